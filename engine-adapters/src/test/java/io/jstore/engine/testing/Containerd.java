package io.jstore.engine.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private containerd, for the tests and the bench's peers: its root, state and socket under
 * {@code dir}, CRI off, and (when given a socket) jstore as the proxy snapshotter "jstore". {@link #close} stops it and the shims it started, which
 * outlive it by design (they re-parent to init), found by the address they were given.
 */
public final class Containerd implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/containerd");
    public static final Path CTR = Path.of("/usr/bin/ctr");

    private final Path dir;
    private final Path socket;
    private final Process daemon;

    private Containerd(Path dir, Path socket, Process daemon) {
        this.dir = dir;
        this.socket = socket;
        this.daemon = daemon;
    }

    /** Starts containerd and waits until it answers; {@code snapshotterSocket} null for none. */
    public static Containerd start(Path dir, Path snapshotterSocket) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path socket = dir.resolve("containerd.sock");
        Path config = dir.resolve("config.toml");
        List<String> lines = new ArrayList<>(List.of(
                "version = 2",
                "root = \"" + dir.resolve("root") + "\"",
                "state = \"" + dir.resolve("state") + "\"",
                "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
                "[grpc]",
                "  address = \"" + socket + "\"",
                "[ttrpc]",
                "  address = \"" + dir.resolve("containerd.sock.ttrpc") + "\""));
        if (snapshotterSocket != null) {
            lines.addAll(List.of(
                    "[proxy_plugins]",
                    "  [proxy_plugins.jstore]",
                    "    type = \"snapshot\"",
                    "    address = \"" + snapshotterSocket + "\""));
        }
        lines.add("");
        Files.writeString(config, String.join("\n", lines));
        Process p = new ProcessBuilder(BINARY.toString(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
        Containerd c = new Containerd(dir, socket, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!p.isAlive()) {
                c.close();
                throw new IOException("containerd exited " + p.exitValue() + ": " + c.log());
            }
            if (Files.exists(socket) && c.ctr("default", "version").exit() == 0) return c;
            if (System.nanoTime() > deadline) {
                c.close();
                throw new IOException("containerd did not answer in 30 s: " + c.log());
            }
            Thread.sleep(100);
        }
    }

    public String log() throws IOException {
        Path l = dir.resolve("containerd.log");
        return Files.exists(l) ? Files.readString(l) : "";
    }

    /** The gRPC socket: what {@code ctr -a} takes. */
    public Path socket() {
        return socket;
    }

    public record Result(int exit, String output, long nanos) {}

    /** Runs {@code ctr -a SOCKET -n NAMESPACE args...} and waits for it (two minutes at most). */
    public Result ctr(String namespace, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CTR.toString(), "-a", socket.toString(), "-n", namespace));
        cmd.addAll(List.of(args));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new IOException("ctr " + String.join(" ", args) + " did not finish in 2 min");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), System.nanoTime() - start);
    }

    @Override
    public void close() throws IOException {
        daemon.destroy();
        try {
            if (!daemon.waitFor(20, TimeUnit.SECONDS)) daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String address = socket.toString();
        ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(cl -> cl.contains("containerd-shim") && cl.contains(address))
                        .orElse(false))
                .forEach(h -> {
                    h.destroyForcibly();
                    h.onExit().join();
                });
    }
}
