package io.jstore.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Pays the kernel's cgroup attach wait while a container's start does other work. A move into a
 * cgroup (a write to {@code cgroup.procs} or, in v1, {@code tasks}) takes the global
 * cgroup_threadgroup_rwsem for writing, and the first writer after a quiet spell waits out an RCU
 * grace period: 5-20 ms on these machines, where a writer within about 10 ms of the previous one
 * takes a fraction of a millisecond. A start places its container's init some 15-25 ms after it
 * begins (layers, bundle, the executor's own start), so a move of one thread of this process into
 * the cgroup it is already in, on a thread of its own as the start begins, leaves the lock warm for
 * the placement. Best effort: where it cannot write, nothing changes but the wait.
 */
final class CgroupAttachWarmup {
    private CgroupAttachWarmup() {}

    /** Starts the move on a daemon thread and returns at once. */
    static void begin() {
        Thread t = new Thread(CgroupAttachWarmup::moveIntoOwnCgroup, "jstore-cgroup-warmup");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Moves the calling thread into the cgroup it is in (v1: its own tid into {@code tasks}, which
     * moves nothing else; a v2-only host: this process into {@code cgroup.procs}); returns the file
     * written, or empty when there was none to write or the write was refused.
     */
    static Optional<Path> moveIntoOwnCgroup() {
        try {
            CgroupLayout layout = CgroupLayout.detect();
            Optional<CgroupLayout.Hierarchy> v1 = layout.hierarchies().stream().filter(h -> !h.unified()).findFirst();
            Optional<CgroupLayout.Hierarchy> h = v1.isPresent() ? v1 : layout.hierarchies().stream().findFirst();
            if (h.isEmpty()) return Optional.empty();
            Path file = h.get().dir("").resolve(h.get().unified() ? "cgroup.procs" : "tasks");
            // an explicit id: writing 0 (the caller itself) skips the global lock, which is the point
            String id = h.get().unified() ? Long.toString(ProcessHandle.current().pid()) : ownTid();
            Files.writeString(file, id);
            return Optional.of(file);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String ownTid() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
    }
}
