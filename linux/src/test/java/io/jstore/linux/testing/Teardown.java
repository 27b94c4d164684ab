package io.jstore.linux.testing;

import io.jstore.linux.LoopDevice;
import io.jstore.linux.MountInfo;
import io.jstore.linux.Mounts;
import io.jstore.linux.SyscallException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Removes a scratch directory with whatever is mounted or attached in it; tries every step. */
final class Teardown {
    private Teardown() {}

    // A loop device unbinds when its last opener closes; udev probes or a child process's copy
    // of the mount namespace can hold it a moment longer than our unmount.
    private static final long LOOP_RELEASE_WAIT_MS = 10_000;

    /** Tears down {@code dir}: mounts below it, {@code loop} (may be null) and loops of its image. */
    static void remove(Path dir, LoopDevice loop) throws IOException {
        List<Throwable> failures = new ArrayList<>();
        // loops a test bound to files on the scratch filesystem would keep it busy
        detachLoopsUnder(dir.resolve("mnt"), failures);
        unmountAll(dir, failures);
        if (loop != null) {
            try {
                loop.close();
            } catch (Throwable t) {
                failures.add(t);
            }
        }
        detachLoopsUnder(dir, failures);
        try {
            if (MountInfo.under(dir).isEmpty()) deleteTree(dir);
        } catch (Throwable t) {
            failures.add(t);
        }
        check(dir, failures);
        if (!failures.isEmpty()) {
            Throwable first = failures.get(0);
            IOException e = first instanceof IOException io ? io
                    : new IOException("cleaning up " + dir + ": " + first, first);
            for (Throwable t : failures) if (t != e) e.addSuppressed(t);
            throw e;
        }
    }

    private static void detachLoopsUnder(Path dir, List<Throwable> failures) {
        for (Map.Entry<Integer, Path> e : LoopDevice.bound().entrySet()) {
            if (!e.getValue().startsWith(dir)) continue;
            try {
                LoopDevice.detach(e.getKey(), e.getValue());
            } catch (Throwable t) {
                failures.add(t);
            }
        }
    }

    /** Loop devices bound to files at or below {@code dir}. */
    static Map<Integer, Path> loopsUnder(Path dir) {
        Map<Integer, Path> out = new TreeMap<>(LoopDevice.bound());
        out.values().removeIf(f -> !f.startsWith(dir));
        return out;
    }

    private static void unmountAll(Path dir, List<Throwable> failures) {
        for (MountInfo.Entry m : MountInfo.under(dir)) {
            try {
                Mounts.unmount(m.mountPoint());
            } catch (SyscallException e) {
                try {
                    // busy (an open file, a process's cwd): detach it from the tree, the kernel
                    // frees it when the last user lets go
                    Mounts.unmount(m.mountPoint(), Mounts.MNT_DETACH);
                } catch (SyscallException again) {
                    failures.add(again);
                }
            }
        }
    }

    private static void check(Path dir, List<Throwable> failures) {
        List<MountInfo.Entry> left = MountInfo.under(dir);
        if (!left.isEmpty()) failures.add(new IOException("still mounted under " + dir + ": " + left));
        long deadline = System.currentTimeMillis() + LOOP_RELEASE_WAIT_MS;
        while (true) {
            Map<Integer, Path> loops = loopsUnder(dir);
            if (loops.isEmpty()) break;
            if (System.currentTimeMillis() > deadline) {
                failures.add(new IOException("loop devices still bound under " + dir + ": " + loops));
                break;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(e);
                break;
            }
        }
        if (Files.exists(dir)) failures.add(new IOException("not deleted: " + dir));
    }

    /** Deletes a tree without following symlinks; gone already is fine. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) throw exc;
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
