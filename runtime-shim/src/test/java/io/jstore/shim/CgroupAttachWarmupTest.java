package io.jstore.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The warm-up's moves, on this host's real hierarchies: into this thread's own cgroup, moving nothing, until closed. */
class CgroupAttachWarmupTest {
    private static void assumeRoot() {
        Assumptions.assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root: cgroupfs is root's");
    }

    @Test
    void movesTheCallingThreadIntoTheCgroupItIsAlreadyIn() throws Exception {
        assumeRoot();
        List<String> before = Files.readAllLines(Path.of("/proc/self/cgroup"));
        String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        Optional<Path> written = CgroupAttachWarmup.moveIntoOwnCgroup();
        assertTrue(written.isPresent(), "a root process on a host with cgroups moves");
        CgroupLayout.Hierarchy h = CgroupLayout.detect().hierarchies().stream()
                .filter(x -> written.get().startsWith(x.mount())).findFirst().orElseThrow();
        assertEquals(h.dir("").resolve(h.unified() ? "cgroup.procs" : "tasks"), written.get(), "this process's own cgroup");
        String id = h.unified() ? Long.toString(ProcessHandle.current().pid()) : tid;
        assertTrue(Files.readAllLines(written.get()).contains(id), id + " is in " + written.get());
        assertEquals(before, Files.readAllLines(Path.of("/proc/self/cgroup")), "no hierarchy sees this process elsewhere");
    }

    @Test
    void keepsMovingUntilClosed() throws Exception {
        assumeRoot();
        CgroupAttachWarmup w = CgroupAttachWarmup.begin();
        Thread.sleep(50);
        assertTrue(w.thread().isAlive(), "still warming while open");
        w.close();
        w.thread().join(5_000);
        assertFalse(w.thread().isAlive(), "ends once closed");
    }
}
