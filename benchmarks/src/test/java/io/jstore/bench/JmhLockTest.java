package io.jstore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's hold on JMH's machine lock, against another process holding it as JMH does (an fcntl lock). */
class JmhLockTest {
    @TempDir
    Path dir;

    @Test
    void waitsWhileAnotherProcessHoldsItNamingThatProcessThenGivesUp() throws Exception {
        Path file = dir.resolve("jmh.lock");
        Process other = holder(file);
        try {
            StringWriter said = new StringWriter();
            IOException e = assertThrows(IOException.class, () -> JmhLock.acquire(file, new PrintWriter(said), Duration.ofSeconds(3)));
            assertTrue(e.getMessage().contains("pid " + other.pid()), e.getMessage());
            assertTrue(said.toString().contains("waiting for " + file + ", held by pid " + other.pid()), said.toString());
        } finally {
            other.destroy();
            other.waitFor();
        }
    }

    @Test
    void takesItWhenTheOtherRunEndsAndHoldsItUntilClosed() throws Exception {
        Path file = dir.resolve("jmh.lock");
        Process other = holder(file);
        Thread ender = new Thread(() -> {
            try {
                Thread.sleep(1500);
                other.getOutputStream().close();
            } catch (IOException | InterruptedException e) {
                other.destroy();
            }
        });
        ender.start();
        StringWriter said = new StringWriter();
        try (JmhLock lock = JmhLock.acquire(file, new PrintWriter(said), Duration.ofMinutes(2))) {
            assertTrue(said.toString().contains("is free, starting"), said.toString());
            assertTrue(JmhLock.holder(file).orElse("").startsWith("pid " + ProcessHandle.current().pid()),
                    "the kernel names this JVM as the holder: " + JmhLock.holder(file));
            Process late = start(file);
            assertEquals("busy", firstLine(late), "another JMH cannot take it meanwhile");
            late.getOutputStream().close();
            late.waitFor();
        } finally {
            ender.join();
            other.waitFor();
        }
        assertTrue(JmhLock.holder(file).isEmpty(), "released: " + JmhLock.holder(file));
    }

    /** A JVM holding the lock as JMH does, until its stdin closes. */
    private Process holder(Path file) throws IOException {
        Process p = start(file);
        String first = firstLine(p);
        if (!"locked".equals(first)) {
            p.destroy();
            throw new IOException("the other process could not take " + file + ": " + first);
        }
        return p;
    }

    /** A JVM that tries the lock once, says "locked" or "busy", and keeps what it got until its stdin closes. */
    private static Process start(Path file) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp;
        try {
            cp = Path.of(LockHolder.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        return new ProcessBuilder(List.of(java, "-cp", cp, LockHolder.class.getName(), file.toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String firstLine(Process p) throws IOException {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
}
