package io.jstore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.MountInfo;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.ProcessBuilder.Redirect;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code jstore serve}'s CLI socket with real processes on overlay over a scratch xfs: a
 * {@code jstore run} client has its container run by the service (it loads no picocli class:
 * the proof that the service, not its own fallback, ran it) with its own stdout, stderr and
 * exit code, and SIGTERM passed on to the container; errors read as without the service; a stale socket (the service SIGKILLed) leaves
 * the client running the command itself; a client SIGKILLed mid-run leaves no container,
 * layer or mount behind.
 */
class ServiceRunTest {
    record Result(int code, String out, String err) {}

    private static final String[] JVM_OPENS = {"--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED"};

    private static List<String> jvm(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(List.of(JVM_OPENS));
        cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** jstore in this JVM: the daemonless path, for the expected messages and the store's state. */
    static Result inProcess(Path root, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of(args));
        // run's options must come before IMAGE; the others take --root after their subcommand
        if (args[0].equals("run")) all.add(1, "--root=" + root);
        else all.add("--root=" + root);
        return new Result(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    /** {@code jstore run} as its own process with pipes for stdio; {@code classes} gets its class-load log. */
    private static Process client(Path root, Path classes, String... args) throws IOException {
        List<String> cmd = jvm("-Xlog:class+load:file=" + classes, Launch.class.getName(), "run", "--root", root.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("GREETING", "hello");
        return pb.start();
    }

    static Result finish(Process p) throws Exception {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the client ended");
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    static boolean ranInProcess(Path classes) throws IOException {
        return Files.readString(classes).contains(" picocli.");
    }

    private static Process serve(Path root, Path log) throws Exception {
        return serve(jvm(Main.class.getName(), "serve", "--verbose", "--root", root.toString()), root, log);
    }

    /** {@code cmd} (a {@code jstore serve} of {@code root}) started, once its socket answers; its output goes to {@code log}. */
    static Process serve(List<String> cmd, Path root, Path log) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitSocket(p, root.resolve(ServiceProtocol.SOCKET), log);
            return p;
        } catch (Exception | AssertionError e) {
            p.destroyForcibly().waitFor();
            throw e;
        }
    }

    private static void awaitSocket(Process p, Path sock, Path log) throws Exception {
        for (int i = 0; i < 3000; i++) {
            assertTrue(p.isAlive(), () -> "jstore serve ended: " + read(log));
            if (Files.exists(sock)) {
                try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
                    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
                    return;
                } catch (IOException notYet) {
                    // bound, not yet listening
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("jstore serve made no socket: " + read(log));
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void serviceRunsClientsContainersAndLeavesNothingOfAKilledOne(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Root.assumeRoot();
        Path root = fs.root().resolve("store");
        Path classes = fs.root().resolve("classes.log");
        Result imp = inProcess(root, "image", "import", "--driver", "overlay",
                RunCommandTest.busybox(fs.root().resolve("bb")).toString(), "--name", "bb:1");
        assertEquals(0, imp.code(), imp.err());
        Path log = fs.root().resolve("serve.log");
        Process service = serve(root, log);
        try {
            Result r = finish(client(root, classes, "--rm", "-e", "GREETING", "bb:1", "sh", "-c",
                    "echo out $GREETING; echo err >&2; exit 3"));
            assertFalse(ranInProcess(classes), () -> "the service ran it, the client loaded no picocli: " + read(log));
            assertEquals(3, r.code(), r.err());
            assertEquals("out hello\n", r.out());
            assertEquals("err\n", r.err());
            assertEquals(127, finish(client(root, classes, "--rm", "bb:1", "no-such-command")).code());

            Result missing = finish(client(root, classes, "--rm", "nope:1", "true"));
            assertFalse(ranInProcess(classes));
            Result expected = inProcess(root, "run", "--rm", "nope:1", "true");
            assertEquals(expected.code(), missing.code());
            assertEquals(expected.err(), missing.err());

            // SIGTERM to the client reaches the container (its init handles it)
            Process trapper = client(root, classes, "--rm", "bb:1", "sh", "-c",
                    "trap 'exit 42' TERM; echo up; while true; do sleep 0.05; done");
            assertEquals("up", new java.io.BufferedReader(new java.io.InputStreamReader(trapper.getInputStream())).readLine());
            trapper.toHandle().destroy(); // SIGTERM (Process.destroy would close our ends of its pipes too)
            assertEquals(42, finish(trapper).code());

            // killed mid-run: the service kills the container and --rm removes it
            Process sleeper = client(root, classes, "--rm", "bb:1", "sleep", "100");
            for (int i = 0; i < 1000 && inProcess(root, "ps").out().lines().count() < 2; i++) Thread.sleep(10);
            assertEquals(2, inProcess(root, "ps").out().lines().count(), "the container runs");
            sleeper.destroyForcibly().waitFor();
            for (int i = 0; i < 1000 && inProcess(root, "ps", "-a").out().lines().count() > 1; i++) Thread.sleep(10);
            assertEquals(1, inProcess(root, "ps", "-a").out().lines().count(), "no container left: " + inProcess(root, "ps", "-a").out());
            assertEquals(2, inProcess(root, "layer", "ls").out().lines().count(), "the image's layer alone");
            assertEquals(List.of(), MountInfo.under(root), "no mount left under the store");
        } finally {
            service.destroyForcibly().waitFor();
        }

        // the socket of a SIGKILLed service is stale: the client runs the command itself
        assertTrue(Files.exists(root.resolve(ServiceProtocol.SOCKET)));
        Result r = finish(client(root, classes, "--rm", "bb:1", "sh", "-c", "echo here; exit 4"));
        assertTrue(ranInProcess(classes), "ran in the client");
        assertEquals(4, r.code(), r.err());
        assertEquals("here\n", r.out());
        assertEquals(1, inProcess(root, "ps", "-a").out().lines().count());
    }
}
