package io.jstore.bench.suite;

import io.jstore.bench.Skips;
import io.jstore.bench.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The {@code jstore} launcher, for suites that time a command as users run it. It names itself
 * in {@code $JSTORE_LAUNCHER}; without it (a test run by Maven) there is no built launcher to
 * trust, and starting one would build the project inside the run.
 */
final class JstoreLauncher {
    static final String ENV = "JSTORE_LAUNCHER";

    private JstoreLauncher() {}

    static Path find(BenchmarkParams bp) {
        String v = System.getenv(ENV);
        if (v == null || !Files.isExecutable(Path.of(v))) {
            throw Skips.skip(bp, "a jstore command is timed only under `jstore bench`, whose launcher names itself in $"
                    + ENV + " (this run has " + (v == null ? "none" : v + ", not executable") + ")");
        }
        return Path.of(v);
    }

    /** {@code jstore SUBCOMMAND... OPTIONS... ARGS...}: the store's options belong after the subcommand. */
    static List<String> command(Path launcher, List<String> subcommand, List<String> options, String... args) {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(subcommand);
        cmd.addAll(options);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Starts {@code jstore serve} on the store (its CLI socket, {@code root/jstore.sock}) and returns
     * once the socket answers; its output goes to {@code log}.
     */
    static Process serve(BenchmarkParams bp, Path launcher, List<String> store, Path root, Path log) throws IOException {
        Process p = new ProcessBuilder(command(launcher, List.of("serve"), store)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        Path socket = root.resolve("jstore.sock");
        try {
            for (int i = 0; i < 6000; i++) {
                if (!p.isAlive()) throw Skips.skip(bp, "jstore serve ended: " + Files.readString(log).strip());
                if (Files.exists(socket)) {
                    try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                            java.net.UnixDomainSocketAddress.of(socket))) {
                        return p;
                    } catch (IOException notYet) {
                        // bound, not listening yet
                    }
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop(p);
        throw Skips.skip(bp, "jstore serve made no socket at " + socket + " within 60 s");
    }

    /** SIGTERM, as a user stops the service: it closes its socket and the store. */
    static void stop(Process service) {
        if (service == null) return;
        service.destroy();
        try {
            if (!service.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) service.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs {@code cmd} twice and waits for the class-data archive the launcher may then rebuild in
     * the background (the first run of a command records its classes), so no sample shares the CPU with it.
     */
    static void warm(Path launcher, List<String> cmd) throws IOException {
        Tools.check(cmd);
        Tools.check(cmd);
        Path lock = launcher.toRealPath().getParent().resolve("cli/target/cds/.lock");
        if (Files.exists(lock)) Tools.check(List.of("flock", lock.toString(), "true"));
    }
}
