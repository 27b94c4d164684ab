package io.jstore.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Pays the kernel's cgroup attach wait while a container's start does other work. A move into a
 * cgroup (a write to {@code cgroup.procs} or, in v1, {@code tasks}) takes the global
 * cgroup_threadgroup_rwsem for writing, and the first writer after a quiet spell waits out an RCU
 * grace period: 5-20 ms on these machines, where a writer within about 10 ms of the previous one
 * takes a fraction of a millisecond. From the start's beginning until its container is placed,
 * a thread of this process moves itself into the cgroup it is already in every few milliseconds,
 * so the placement finds the lock warm. Best effort: where it cannot write, nothing changes.
 */
final class CgroupAttachWarmup implements AutoCloseable {
    private static final long PERIOD_MILLIS = 4;
    /** A start that takes longer has stalled elsewhere: the lock is left to cool. */
    private static final long LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final Thread thread;
    private volatile boolean closed;

    private CgroupAttachWarmup() {
        thread = new Thread(this::keepWarm, "jstore-cgroup-warmup");
        thread.setDaemon(true);
    }

    /** Starts keeping the lock warm, until {@link #close}. */
    static CgroupAttachWarmup begin() {
        CgroupAttachWarmup w = new CgroupAttachWarmup();
        w.thread.start();
        return w;
    }

    private void keepWarm() {
        long end = System.nanoTime() + LIMIT_NANOS;
        Optional<Move> move = ownCgroup();
        try {
            while (!closed && System.nanoTime() < end && move.isPresent() && move.get().run()) Thread.sleep(PERIOD_MILLIS);
        } catch (InterruptedException e) {
            // closed with the JVM
        }
    }

    /** A write of {@code id} to {@code file}: a move of the calling thread (or process) into its own cgroup. */
    private record Move(Path file, String id) {
        boolean run() {
            try {
                Files.writeString(file, id);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** The container is placed (or its start failed): no more moves. */
    @Override
    public void close() {
        closed = true;
    }

    Thread thread() {
        return thread;
    }

    /**
     * Moves the calling thread into the cgroup it is in (v1: its own tid into {@code tasks}, which
     * moves nothing else; a v2-only host: this process into {@code cgroup.procs}); returns the file
     * written, or empty when there was none to write or the write was refused.
     */
    static Optional<Path> moveIntoOwnCgroup() {
        Optional<Move> move = ownCgroup();
        return move.isPresent() && move.get().run() ? Optional.of(move.get().file()) : Optional.empty();
    }

    /** The calling thread's move, found once: the layout is read from /proc, the loop only writes. */
    private static Optional<Move> ownCgroup() {
        try {
            CgroupLayout layout = CgroupLayout.detect();
            Optional<CgroupLayout.Hierarchy> v1 = layout.hierarchies().stream().filter(h -> !h.unified()).findFirst();
            Optional<CgroupLayout.Hierarchy> h = v1.isPresent() ? v1 : layout.hierarchies().stream().findFirst();
            if (h.isEmpty()) return Optional.empty();
            Path file = h.get().dir("").resolve(h.get().unified() ? "cgroup.procs" : "tasks");
            // an explicit id: writing 0 (the caller itself) skips the global lock, which is the point
            String id = h.get().unified() ? Long.toString(ProcessHandle.current().pid()) : ownTid();
            return Optional.of(new Move(file, id));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String ownTid() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
    }
}
