package io.jstore.graph;

import java.time.Instant;

/**
 * Which process owns a piece of unfinished work. A pid alone is not enough: after a crash the
 * pid may be reused, so the owner is the pair (pid, process start time) as the kernel reports it.
 */
final class Owners {
    private Owners() {}

    private static final long SELF_PID = ProcessHandle.current().pid();
    private static final long SELF_START = startOf(ProcessHandle.current());

    static long selfPid() {
        return SELF_PID;
    }

    static long selfStart() {
        return SELF_START;
    }

    static boolean alive(long pid, long start) {
        if (pid == SELF_PID) return start == SELF_START;
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(h -> startOf(h) == start)
                .orElse(false);
    }

    private static long startOf(ProcessHandle h) {
        return h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }
}
