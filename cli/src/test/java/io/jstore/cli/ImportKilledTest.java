package io.jstore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jstore.graph.testing.ImageFixtures;
import io.jstore.linux.MountInfo;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code jstore image import} on overlay, killed with SIGKILL at random moments of its run,
 * round after round on one store: each time {@code jstore fsck} leaves a consistent store with
 * no mount under the root and a second fsck finds nothing to fix; at the end the same import
 * runs through and rm + gc empty the store. A kill that comes after the import ran through counts
 * for nothing, and the later kills aim inside the span that run took (a warm import is quicker
 * than the first one, whose span the kills are first spread over).
 */
class ImportKilledTest {
    private static final String DRIVER = "overlay";
    private static final int KILLS = 4;
    private static final int LAYERS = 3;

    private record Result(int code, String out, String err) {
        JsonNode json() throws java.io.IOException {
            return Output.JSON.readTree(out);
        }
    }

    private static Result jstore(Path root, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--root", root.toString(), "--driver", DRIVER));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return new Result(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    private static Result ok(Path root, String... args) {
        Result r = jstore(root, args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
        return r;
    }

    private static Process importProcess(Path root, Path image) throws java.io.IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens",
                "java.base/sun.nio.ch=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "image", "import", image.toString(), "--name", "killed:1",
                "--root", root.toString(), "--driver", DRIVER)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Waits until the import has made its first driver layer; returns when (System.nanoTime). */
    private static long awaitFirstLayer(Path root, Process p) throws Exception {
        Path home = root.resolve(DRIVER);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.isDirectory(home)) {
                try (var s = Files.list(home)) {
                    if (s.map(d -> d.getFileName().toString()).anyMatch(n -> n.length() > 8 && !n.startsWith("."))) return System.nanoTime();
                }
            }
            Thread.sleep(2);
        }
        throw new AssertionError("the import made no layer under " + home + " (alive: " + p.isAlive() + ")");
    }

    @Test
    void killedAnywhereFsckRepairsAndTheImportStillSucceeds(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs)
            throws Exception {
        Path trees = fs.root().resolve("trees");
        List<byte[]> layers = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            Map<String, String> files = new HashMap<>();
            for (int f = 0; f < 250; f++) files.put("d" + l + "/f" + f, "x".repeat(f * 8));
            layers.add(ImageFixtures.layer(trees, files));
        }
        Path image = ImageFixtures.tar(ImageFixtures.dockerArchive(Files.createDirectories(fs.root().resolve("img")),
                "killed:1", layers), fs.root().resolve("img.tar"));

        // one import run through: how long its work lasts from the first driver layer on (before
        // that it is a JVM starting), the span the kills land in
        Path root = fs.root().resolve("store");
        Process whole = importProcess(root, image);
        long t0 = awaitFirstLayer(root, whole);
        assertTrue(whole.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, whole.exitValue());
        long workMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        ok(root, "image", "rm", "killed:1");
        ok(root, "gc");

        long seed = System.nanoTime();
        Random random = new Random(seed);
        int kills = 0;
        int rounds = 0;
        List<Long> finishedAfter = new ArrayList<>();
        boolean repaired = false;
        while (kills < KILLS && rounds < 3 * KILLS) {
            String where = "round " + rounds++ + " (seed " + seed + ")";
            Process p = importProcess(root, image);
            long[] exitedAt = {0};
            var exited = p.onExit().thenRun(() -> exitedAt[0] = System.nanoTime());
            long first = awaitFirstLayer(root, p);
            Thread.sleep(random.nextInt((int) workMillis));
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            exited.get(30, TimeUnit.SECONDS);
            if (p.exitValue() == 0) {
                // it ran through before the kill: a warm import is quicker than the measured one,
                // so the next kills aim inside the span this one took
                long span = TimeUnit.NANOSECONDS.toMillis(exitedAt[0] - first);
                finishedAfter.add(span);
                workMillis = Math.max(1, span);
            } else {
                kills++;
            }

            JsonNode fsck = ok(root, "fsck", "--format", "json").json();
            assertEquals(0, fsck.path("problems").size(), where + ": " + fsck);
            repaired |= fsck.path("fixed").size() > 0;
            assertEquals(0, ok(root, "fsck", "--format", "json").json().path("fixed").size(), where + ": repaired once is repaired");
            assertEquals(List.of(), MountInfo.under(root), where + ": no mount left under the store");

            JsonNode images = ok(root, "image", "ls", "--format", "json").json();
            if (images.size() == 1) {
                assertEquals(LAYERS, ok(root, "image", "inspect", "killed:1").json().path("chain").size(), where + ": committed whole");
                ok(root, "image", "rm", "killed:1");
            }
            ok(root, "gc");
            assertEquals(0, ok(root, "layer", "ls", "--format", "json").json().size(), where + ": nothing the dead import held stays");
        }
        assertEquals(KILLS, kills, "kills that found the import running in " + rounds + " rounds; imports that ran through, ms after their first layer: "
                + finishedAfter);
        assertTrue(repaired, "no kill landed inside the import's store work (seed " + seed + ")");

        ok(root, "image", "import", image.toString(), "--name", "killed:1");
        assertEquals(LAYERS, ok(root, "layer", "ls", "--format", "json").json().size());
        ok(root, "image", "rm", "killed:1");
        ok(root, "gc");
        assertEquals(0, ok(root, "layer", "ls", "--format", "json").json().size());
        assertTrue(ok(root, "fsck").out().contains("consistent"));
    }
}
