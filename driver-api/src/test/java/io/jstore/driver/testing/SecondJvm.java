package io.jstore.driver.testing;

import io.jstore.driver.DriverProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Another JVM with the same driver open on the same home ({@link ConformanceChild}), for
 * what only a second process shows: shared mount counts, and a holder that dies.
 */
final class SecondJvm implements AutoCloseable {
    private static final long REPLY_SECONDS = 120;

    private final Process process;
    private final PrintStream commands;
    private final BufferedReader replies;

    SecondJvm(DriverProvider provider, Path home) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // a small command server: without limits it takes a quarter of the RAM, too much in the test VM
        cmd.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData"));
        cmd.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
        cmd.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ConformanceChild.class.getName());
        cmd.add(provider.getClass().getName());
        cmd.add(home.toString());
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder early = new StringBuilder();
        for (String line = reply(); !"ready".equals(line); line = reply()) {
            // a JVM that cannot start writes its reason (an hs_err banner) to stdout
            if (line == null) throw new IOException("second JVM did not start (exit " + exitCode() + "):\n" + early);
            early.append(line).append('\n');
        }
    }

    /** Runs a command and returns the result after {@code ok }; fails on {@code err}. */
    String run(String command) throws IOException {
        send(command);
        return expectOk(command);
    }

    /** Sends a command without waiting for its answer (to kill the process in the middle of it). */
    void send(String command) {
        commands.println(command);
    }

    String expectOk(String command) throws IOException {
        String r = reply();
        if (r == null || !r.startsWith("ok")) throw new IOException("second JVM: " + command + ": " + r);
        return r.length() > 3 ? r.substring(3) : "";
    }

    private String reply() throws IOException {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return replies.readLine();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        try {
            return line.get(REPLY_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("second JVM gave no answer", e);
        }
    }

    private String exitCode() {
        try {
            return process.waitFor(10, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "none yet";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** SIGKILL: the process gets no chance to put, unmount or finish what it was doing. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            send("exit");
            if (!process.waitFor(30, TimeUnit.SECONDS)) kill();
        }
    }
}
