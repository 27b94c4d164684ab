package io.jstore.linux.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cleans scratch directories left by test JVMs that were killed: mounts below them, loop
 * devices of their images, the files. A directory belongs to a live JVM, and is never
 * touched, while the process of its {@code <pid>} lives and started before the directory
 * was made (a later start means the pid was reused by a new process).
 */
final class StaleScratch {
    private StaleScratch() {}

    private static final Pattern NAME = Pattern.compile("(\\d+)-(\\d+)");
    private static final AtomicBoolean CLEANED = new AtomicBoolean();
    // /proc start times are in clock ticks; allow for that and for clock granularity.
    private static final long START_SLACK_MS = 2_000;

    /** Cleans {@code base} once per JVM. */
    static void cleanOnce(Path base) {
        if (CLEANED.compareAndSet(false, true)) clean(base);
    }

    /** Removes every stale directory in {@code base}; reports but survives failures. */
    static int clean(Path base) {
        int removed = 0;
        if (!Files.isDirectory(base)) return 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(base)) {
            for (Path dir : ds) {
                if (!isStale(dir)) continue;
                try {
                    Teardown.remove(dir, null);
                    removed++;
                } catch (IOException e) {
                    System.err.println("jstore scratch: could not clean stale " + dir + ": " + e);
                }
            }
        } catch (IOException e) {
            System.err.println("jstore scratch: could not list " + base + ": " + e);
        }
        return removed;
    }

    static boolean isStale(Path dir) {
        Matcher m = NAME.matcher(dir.getFileName().toString());
        if (!m.matches() || !Files.isDirectory(dir)) return false;
        long pid = Long.parseLong(m.group(1));
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) return true;
        Optional<Instant> started = p.get().info().startInstant();
        if (started.isEmpty()) return false;
        try {
            Instant made = Files.getLastModifiedTime(dir).toInstant();
            return started.get().isAfter(made.plusMillis(START_SLACK_MS));
        } catch (IOException e) {
            return false; // vanished meanwhile: its owner cleaned it
        }
    }
}
