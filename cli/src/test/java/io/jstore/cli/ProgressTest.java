package io.jstore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.graph.testing.ImageFixtures;
import io.jstore.graph.testing.TestDriver;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code jstore image import} in a process of its own: progress (layers and bytes) when its
 * stderr is a terminal (a pty from script(1)), not one byte of it when stderr is a pipe.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProgressTest {
    private final ScratchFilesystem fs;
    private final Path image;
    private int stores;

    ProgressTest(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs) throws IOException {
        this.fs = fs;
        Path trees = fs.root().resolve("trees");
        byte[] noise = new byte[3 << 20]; // incompressible, so the blob is over a MiB and redraws
        new Random(7).nextBytes(noise);
        Path big = Files.createDirectories(trees.resolve("big"));
        Files.write(big.resolve("noise"), noise);
        List<byte[]> layers = List.of(ImageFixtures.layer(trees, Map.of("etc/motd", "hi\n")), tarOf(big));
        Path dir = ImageFixtures.dockerArchive(Files.createDirectories(fs.root().resolve("img")), "prog:1", layers);
        this.image = ImageFixtures.tar(dir, fs.root().resolve("img.tar"));
    }

    private static byte[] tarOf(Path dir) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (io.jstore.layer.LayerWriter w = new io.jstore.layer.LayerWriter(out)) {
            w.add(dir, "/noise");
        }
        return out.toByteArray();
    }

    private List<String> importCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "image", "import", image.toString(),
                "--root", fs.root().resolve("store-" + stores++).toString(), "--driver", TestDriver.NAME);
    }

    private record Ran(int code, String out, String err) {}

    private static Ran run(List<String> cmd) throws Exception {
        Path err = Files.createTempFile("progress-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "import did not end: " + cmd);
            return new Ran(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    void aPipeGetsNoProgress() throws Exception {
        Ran r = run(importCommand());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("imported"), r.out());
        assertEquals("", r.err(), "stderr is a file here, not a terminal");
    }

    /** The import run by script(1) on a new pty: stdin, stdout and stderr are that terminal, unless {@code redirect} says otherwise. */
    private Ran onTerminal(String redirect) throws Exception {
        Root.assumeTool("script");
        String line = importCommand().stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
        return run(new ArrayList<>(List.of("script", "-qec", line + redirect, "/dev/null")));
    }

    @Test
    void stderrRedirectedFromATerminalGetsNoProgress() throws Exception {
        Path log = fs.root().resolve("err.log");
        Ran r = onTerminal(" 2>'" + log + "'");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("imported"), r.out());
        assertEquals("", Files.readString(log), "stdin and stdout are the terminal, stderr is a file");
    }

    @Test
    void aTerminalSeesLayersAndBytes() throws Exception {
        Ran r = onTerminal("");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("layer 1/2"), r.out());
        assertTrue(r.out().contains("layer 2/2"), r.out());
        assertTrue(r.out().matches("(?s).*layer 2/2 \\S+  [1-9][.0-9]* MiB / 3\\.0 MiB.*"), "bytes read of the 3 MiB layer: " + r.out());
        assertTrue(r.out().contains("\r\033[K"), "redrawn in place");
        assertTrue(r.out().contains("imported"), r.out());
    }
}
