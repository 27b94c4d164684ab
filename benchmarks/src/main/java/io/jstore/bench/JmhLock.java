package io.jstore.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * JMH's machine lock ({@code java.io.tmpdir/jmh.lock}), held for a whole {@code jstore bench}
 * run. JMH takes it per {@code Runner.run}, and a run of the bench is several of those (one per
 * suite and fixture group), so another JMH run could slip in between two suites and disturb both;
 * the bench therefore holds it from start to report and tells JMH to ignore it
 * ({@value #IGNORE}, read once when JMH's Runner class loads).
 */
final class JmhLock implements AutoCloseable {
    static final String IGNORE = "jmh.ignoreLock";
    private static final Duration POLL = Duration.ofSeconds(2);

    private final FileChannel channel;
    private final FileLock lock;

    private JmhLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static Path file() {
        return Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock");
    }

    /** Tells this JVM's JMH not to take the lock itself; call before the first {@code new Runner}. */
    static void leaveToCaller() {
        System.setProperty(IGNORE, "true");
    }

    /**
     * Takes the lock, waiting (and saying who holds it) while another run has it, at most
     * {@code patience}; then fails naming the holder rather than timing beside it.
     */
    static JmhLock acquire(Path file, PrintWriter progress, Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        String said = null;
        while (true) {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            if (l != null) {
                if (said != null) {
                    progress.println("jstore bench: " + file + " is free, starting");
                    progress.flush();
                }
                return new JmhLock(ch, l);
            }
            ch.close();
            String holder = holder(file).orElse("another process");
            if (System.nanoTime() > deadline) {
                throw new IOException("another JMH run (" + holder + ") has held " + file + " for over "
                        + patience.toMinutes() + " min; run again when it has ended");
            }
            if (!holder.equals(said)) {
                progress.println("jstore bench: waiting for " + file + ", held by " + holder
                        + " (JMH runs one at a time so their timings do not disturb each other)");
                progress.flush();
                said = holder;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + file, e);
            }
        }
    }

    /** "pid 1234 in /work/x: java … org.openjdk.jmh.Main": the lock's holder as /proc/locks names it. */
    static Optional<String> holder(Path file) {
        try {
            long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
            for (String line : Files.readAllLines(Path.of("/proc/locks"), StandardCharsets.UTF_8)) {
                // "1: POSIX  ADVISORY  WRITE 1234 00:1f:4567 0 EOF"; "->" lines are waiters
                String[] f = line.trim().split("\\s+");
                if (f.length < 6 || f[1].equals("->") || !f[5].endsWith(":" + inode)) continue;
                return Optional.of(describe(f[4]));
            }
        } catch (IOException | RuntimeException e) {
            // who holds it is a courtesy: the wait works without it
        }
        return Optional.empty();
    }

    private static String describe(String pid) {
        Path proc = Path.of("/proc", pid);
        String where = "";
        String cmd = "";
        try {
            where = " in " + Files.readSymbolicLink(proc.resolve("cwd"));
        } catch (IOException | UnsupportedOperationException e) {
            // gone, or not ours to read
        }
        try {
            cmd = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
            if (cmd.length() > 120) cmd = cmd.substring(0, 60) + " … " + cmd.substring(cmd.length() - 55);
        } catch (IOException e) {
            // gone
        }
        return "pid " + pid + where + (cmd.isEmpty() ? "" : ": " + cmd);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
