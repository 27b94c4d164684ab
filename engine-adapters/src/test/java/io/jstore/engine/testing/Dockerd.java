package io.jstore.engine.testing;

import io.jstore.linux.MountInfo;
import io.jstore.linux.Mounts;
import io.jstore.linux.SyscallException;
import io.jstore.linux.testing.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A private dockerd (Debian's docker.io, 20.10): its own data root, exec root, pid file, API
 * socket and config file, no bridge and no iptables rules, so it never meets a system daemon.
 * Closing stops it and unmounts whatever it left under its directories, whatever happened.
 */
public final class Dockerd implements AutoCloseable {
    public record Result(int exit, String out, String err) {
        public String check() throws IOException {
            if (exit != 0) throw new IOException("docker exited " + exit + ": " + err + out);
            return out;
        }
    }

    private final Path docker;
    private final Path execRoot;
    private final Path dataRoot;
    private final Path log;
    private final Process process;

    private Dockerd(Path docker, Path execRoot, Path dataRoot, Path log, Process process) {
        this.docker = docker;
        this.execRoot = execRoot;
        this.dataRoot = dataRoot;
        this.log = log;
        this.process = process;
    }

    /** Skips the calling test, with the reason, where dockerd is not installed. */
    public static Path assumeInstalled() {
        Root.assumeRoot();
        Path dockerd = Root.tool("dockerd").orElse(null);
        Assumptions.assumeTrue(dockerd != null, "dockerd is not installed (scripts/setup.sh installs Debian's docker.io)");
        Assumptions.assumeTrue(client() != null, "no docker client (Debian's docker.io has one)");
        return dockerd;
    }

    /** docker.io's own client (/usr/bin/docker) before any other on the path: it matches the daemon's API. */
    public static Path client() {
        Path debian = Path.of("/usr/bin/docker");
        return Files.isExecutable(debian) ? debian : Root.tool("docker").orElse(null);
    }

    /** Starts dockerd with {@code storageDriver} (a plugin name or a built-in driver) and waits until it answers. */
    public static Dockerd start(Path dataRoot, String storageDriver, boolean experimental) throws IOException, InterruptedException {
        Path dockerd = assumeInstalled();
        // Short: containerd's sockets live below the exec root and unix socket paths end at 108 bytes.
        Path execRoot = Files.createTempDirectory(Path.of("/tmp"), "jsd");
        Files.createDirectories(dataRoot);
        Path config = Files.writeString(execRoot.resolve("daemon.json"), "{}");
        Path log = dataRoot.resolveSibling(dataRoot.getFileName() + ".log");
        List<String> cmd = new ArrayList<>(List.of(dockerd.toString(),
                "--storage-driver", storageDriver, "--data-root", dataRoot.toString(), "--exec-root", execRoot.toString(),
                "--pidfile", execRoot.resolve("dockerd.pid").toString(), "-H", "unix://" + execRoot.resolve("docker.sock"),
                "--config-file", config.toString(), "--bridge", "none", "--iptables=false", "--ip-masq=false"));
        if (experimental) cmd.add("--experimental");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Dockerd d = new Dockerd(client(), execRoot, dataRoot, log, p);
        try {
            d.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /** The API socket, as {@code docker -H} takes it. */
    public String host() {
        return "unix://" + execRoot.resolve("docker.sock");
    }

    /** The client's configuration directory (private, so no user's config leaks in). */
    public Path clientConfig() {
        return execRoot.resolve("client");
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IOException("dockerd exited " + process.exitValue() + ":\n" + logTail());
            if (docker("version", "--format", "{{.Server.Version}}").exit() == 0) return;
            Thread.sleep(250);
        }
        throw new IOException("dockerd did not answer within 90 s:\n" + logTail());
    }

    public String logTail() throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    public Result docker(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(docker.toString(), "-H", host()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("DOCKER_CONFIG", clientConfig().toString());
        Path err = Files.createTempFile(execRoot, "err", ".txt");
        Process p = pb.redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("docker " + String.join(" ", args) + " took more than 180 s");
        }
        String e = Files.readString(err);
        Files.delete(err);
        return new Result(p.exitValue(), out, e);
    }

    /** Removes every container, stops dockerd (SIGTERM, then SIGKILL), and unmounts what it left. */
    @Override
    public void close() throws IOException {
        List<Throwable> failures = new ArrayList<>();
        try {
            if (process.isAlive()) {
                Result ps = docker("ps", "-aq");
                List<String> ids = ps.out().lines().filter(s -> !s.isBlank()).toList();
                if (!ids.isEmpty()) {
                    List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                    rm.addAll(ids);
                    docker(rm.toArray(String[]::new));
                }
            }
        } catch (IOException | InterruptedException e) {
            failures.add(e);
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (Path dir : List.of(execRoot, dataRoot)) {
            for (MountInfo.Entry m : MountInfo.under(dir)) {
                try {
                    Mounts.unmount(m.mountPoint(), Mounts.MNT_DETACH);
                } catch (SyscallException e) {
                    failures.add(e);
                }
            }
        }
        try (Stream<Path> s = Files.walk(execRoot)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            IOException e = new IOException("stopping dockerd: " + failures.get(0), failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }
}
