package io.jstore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.layer.TreeCopy;
import io.jstore.layer.testing.RootfsTrees;
import io.jstore.layer.testing.TreeSnapshot;
import io.jstore.layer.testing.TreeSnapshot.Ignore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code jstore diff | apply | changes}, in process, end to end over trees that change in every way. */
class LayerCommandsTest {
    @TempDir
    Path tmp;
    Path lower;
    Path upper;

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeEach
    void trees() throws IOException {
        lower = Files.createDirectory(tmp.resolve("lower"));
        RootfsTrees.lower(lower);
        upper = tmp.resolve("upper");
        TreeCopy.copy(lower, upper);
        RootfsTrees.change(upper);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "zstd"})
    void diffThenApplyOntoACopyOfLowerGivesUpper(String compression) throws IOException {
        Path layer = tmp.resolve("layer.tar");
        Result d = run("diff", "--compress", compression, "-o", layer.toString(), lower.toString(), upper.toString());
        assertEquals(0, d.code(), d.err());
        Path target = tmp.resolve("target");
        TreeCopy.copy(lower, target);
        Result a = run("apply", layer.toString(), target.toString());
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().startsWith("sha256:"), a.out());
        TreeSnapshot.of(upper).assertSame(target, Ignore.ROOT);
    }

    @Test
    void applyReadsStdinForDash() throws IOException {
        Path layer = tmp.resolve("layer.tar");
        assertEquals(0, run("diff", "-o", layer.toString(), lower.toString(), upper.toString()).code());
        Path target = tmp.resolve("target");
        TreeCopy.copy(lower, target);
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(Files.readAllBytes(layer)));
            Result a = run("apply", "-", target.toString());
            assertEquals(0, a.code(), a.err());
        } finally {
            System.setIn(saved);
        }
        TreeSnapshot.of(upper).assertSame(target, Ignore.ROOT);
    }

    @Test
    void changesPrintsOneLinePerChangeLikeDockerDiff() {
        Result r = run("changes", lower.toString(), upper.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.contains("D /opt/old") && lines.contains("C /etc/passwd") && lines.contains("A /srv/f2d/child"), r.out());
        assertTrue(lines.stream().allMatch(l -> l.matches("[ACD] /.*")), r.out());
        assertEquals("", run("changes", lower.toString(), lower.toString()).out());
    }

    @Test
    void aBrokenLayerIsOneLineNamingTheEntryAndLeavesNoPartialOutput() throws IOException {
        Path bad = tmp.resolve("bad.tar");
        Path layer = tmp.resolve("good.tar");
        assertEquals(0, run("diff", "-o", layer.toString(), lower.toString(), upper.toString()).code());
        byte[] full = Files.readAllBytes(layer);
        Files.write(bad, java.util.Arrays.copyOf(full, 512 * 4 + 100));
        Path target = Files.createDirectory(tmp.resolve("target"));
        Result r = run("apply", bad.toString(), target.toString());
        assertEquals(ErrorReporter.EXIT_FAILURE, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("jstore: layer entry '"), r.err());
        Result v = run("apply", "--verbose", bad.toString(), target.toString());
        assertTrue(v.err().contains("\tat "), v.err());
    }

    /** Without -o the layer goes to the process's stdout as raw bytes: the same tar -o writes. */
    @Test
    void diffWithoutOutputWritesTheTarToStdout() throws Exception {
        Path layer = tmp.resolve("layer.tar");
        assertEquals(0, run("diff", "-o", layer.toString(), lower.toString(), upper.toString()).code());
        Path stdout = tmp.resolve("stdout.tar");
        String jvm = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(jvm, "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "diff", lower.toString(), upper.toString())
                .redirectOutput(stdout.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(layer), Files.readAllBytes(stdout)), "stdout differs from -o");
    }

    @Test
    void wrongArgumentsFailClearly() throws IOException {
        Result r = run("diff", "-o", tmp.resolve("x.tar").toString(), tmp.resolve("missing").toString(), upper.toString());
        assertEquals(ErrorReporter.EXIT_FAILURE, r.code());
        assertEquals("jstore: LOWER " + tmp.resolve("missing") + " does not exist", r.err().strip());
        assertFalse(Files.exists(tmp.resolve("x.tar")));
        try (var s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
        assertEquals(2, run("diff", "--compress", "lz4", lower.toString(), upper.toString()).code());
        assertEquals(2, run("apply", "only-one-arg").code());
        Result notDir = run("apply", "-", upper.resolve("etc/passwd").toString());
        assertEquals(ErrorReporter.EXIT_FAILURE, notDir.code());
        assertTrue(notDir.err().contains("is not a directory"), notDir.err());
    }
}
