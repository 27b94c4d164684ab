package io.jstore.driver.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessIdentityTest {
    @Test
    void selfIsAliveAndRoundTripsAsText() {
        ProcessIdentity me = ProcessIdentity.self();
        assertEquals(ProcessHandle.current().pid(), me.pid());
        assertTrue(me.alive());
        assertEquals(me, ProcessIdentity.parse(me.toString()));
    }

    @Test
    void aReusedPidWithAnotherStartTimeIsDead() {
        ProcessIdentity me = ProcessIdentity.self();
        assertFalse(new ProcessIdentity(me.pid(), me.startTime() + 1).alive());
    }

    @Test
    void anExitedProcessIsDead() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        ProcessIdentity id = ProcessIdentity.of(p.pid());
        assertTrue(id.alive());
        p.destroyForcibly().waitFor();
        assertFalse(id.alive());
        assertNull(ProcessIdentity.of(p.pid()));
    }
}
