package io.jstore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The walk-through, in process, on the overlay driver over a scratch xfs: run, ps, logs, stop, commit, rm. */
class RunCommandTest {
    private record Result(int code, String out, String err) {}

    private static Result jstore(Path root, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
        // run's options must come before IMAGE; the others take --root after their subcommand
        if (args[0].equals("run")) all.add(1, "--root=" + root);
        else all.add("--root=" + root);
        int code = cli.execute(all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    static Path busybox(Path dir) throws Exception {
        Root.assumeTool("busybox");
        Path bb = Root.tool("busybox").orElseThrow();
        Files.createDirectories(dir.resolve("bin"));
        Files.copy(bb, dir.resolve("bin/busybox"));
        Process p = new ProcessBuilder(bb.toString(), "--list").start();
        for (String a : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (!a.isBlank() && !a.equals("busybox")) Files.createSymbolicLink(dir.resolve("bin").resolve(a), Path.of("busybox"));
        }
        for (String d : new String[] {"etc", "tmp", "proc", "sys", "dev", "out"}) Files.createDirectories(dir.resolve(d));
        Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        return dir;
    }

    @Test
    void runPsLogsStopCommitRm(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Root.assumeRoot();
        Path root = fs.root().resolve("store");
        Path out = Files.createDirectories(fs.root().resolve("out"));
        Result imp = jstore(root, "image", "import", "--driver", "overlay", busybox(fs.root().resolve("bb")).toString(), "--name", "bb:1");
        assertEquals(0, imp.code(), imp.err());

        Result run = jstore(root, "run", "--rm", "--hostname", "box", "-v", out + ":/out", "bb:1",
                "sh", "-c", "hostname > /out/h; tr '\\0' ' ' < /proc/1/cmdline > /out/cmd; exit 7");
        assertEquals(7, run.code(), run.err());
        assertEquals("box\n", Files.readString(out.resolve("h")));
        assertTrue(Files.readString(out.resolve("cmd")).startsWith("sh -c hostname"));
        assertEquals(127, jstore(root, "run", "--rm", "bb:1", "no-such-command").code());

        Result d = jstore(root, "run", "-d", "--name", "web", "--memory", "64m", "--pids-limit", "64", "bb:1",
                "sh", "-c", "echo up; echo patched > /etc/motd; trap 'echo bye; exit 0' TERM; while true; do sleep 0.05; done");
        assertEquals(0, d.code(), d.err());
        assertEquals("web\n", d.out());
        assertTrue(jstore(root, "ps").out().contains("Up"));
        for (int i = 0; i < 500 && !jstore(root, "logs", "web").out().contains("up"); i++) Thread.sleep(10);
        assertEquals(0, jstore(root, "stop", "web").code());
        String ps = jstore(root, "ps", "-a").out();
        assertTrue(ps.contains("Exited (0)"), ps);
        assertEquals("", jstore(root, "ps").out().lines().skip(1).reduce("", String::concat), "ps without -a shows only running ones");

        Result diff = jstore(root, "diff", "web");
        assertEquals(0, diff.code(), diff.err());
        assertTrue(diff.out().contains("A /etc/motd"), diff.out());

        Result commit = jstore(root, "commit", "web", "bb:patched");
        assertEquals(0, commit.code(), commit.err());
        Result again = jstore(root, "run", "--rm", "-v", out + ":/out", "bb:patched", "sh", "-c", "cat /etc/motd > /out/motd");
        assertEquals(0, again.code(), again.err());
        assertEquals("patched\n", Files.readString(out.resolve("motd")));
        assertEquals(0, jstore(root, "rm", "web").code());
        Result quick = jstore(root, "run", "-d", "--rm", "--name", "gone", "bb:1", "true");
        assertEquals(0, quick.code(), quick.err());
        for (int i = 0; i < 500 && jstore(root, "ps", "-a").out().contains("gone"); i++) Thread.sleep(10);
        assertEquals(1, jstore(root, "ps", "-a").out().lines().count(), "only the header is left");
        // an ended detached --rm run is forgotten by the store's repair, its directory by ps
        assertTrue(Files.notExists(root.resolve("containers/gone")), "its directory is gone with it");
    }

    @Test
    void containerRmRemovesWhatRunLeft(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Root.assumeRoot();
        Path root = fs.root().resolve("store");
        Result imp = jstore(root, "image", "import", "--driver", "overlay", busybox(fs.root().resolve("bb")).toString(), "--name", "bb:1");
        assertEquals(0, imp.code(), imp.err());
        Result run = jstore(root, "run", "--name", "c1", "bb:1", "true");
        assertEquals(0, run.code(), run.err());
        assertTrue(Files.isDirectory(root.resolve("containers/c1")));
        Result rm = jstore(root, "container", "rm", "c1");
        assertEquals(0, rm.code(), rm.err());
        assertTrue(Files.notExists(root.resolve("containers/c1")), "the container's directory is gone with it");
    }
}
