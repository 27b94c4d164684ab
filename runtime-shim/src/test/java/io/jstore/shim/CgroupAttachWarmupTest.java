package io.jstore.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The warm-up's move, on this host's real hierarchies: it writes into this thread's own cgroup and moves nothing. */
class CgroupAttachWarmupTest {
    @Test
    void movesTheCallingThreadIntoTheCgroupItIsAlreadyIn() throws Exception {
        Assumptions.assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root: cgroupfs is root's");
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
}
