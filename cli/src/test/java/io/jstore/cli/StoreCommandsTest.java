package io.jstore.cli;

import io.jstore.graph.testing.TestDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jstore.graph.testing.ImageFixtures;
import io.jstore.layer.Compression;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/** The image, layer, container, gc and fsck commands, in-process, on a vfs store on a scratch xfs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreCommandsTest {
    private final ScratchFilesystem fs;
    private int stores;

    StoreCommandsTest(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs) {
        this.fs = fs;
    }

    private record Result(int code, String out, String err) {
        JsonNode json() throws java.io.IOException {
            return Output.JSON.readTree(out);
        }
    }

    private final class Store {
        final Path root = fs.root().resolve("store-" + stores++);

        Result run(String... args) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--root", root.toString(), "--driver", TestDriver.NAME));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));
            int code = cli.execute(all.toArray(String[]::new));
            return new Result(code, out.toString(), err.toString());
        }

        Result ok(String... args) {
            Result r = run(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            return r;
        }
    }

    private Path image(String name) throws java.io.IOException {
        Path trees = fs.root().resolve("trees");
        List<byte[]> layers = List.of(ImageFixtures.layer(trees, Map.of("etc/motd", "hi\n", "etc/issue", "base\n")),
                ImageFixtures.layer(trees, Map.of("etc/app", "on\n"), List.of("etc/issue")));
        Path dir = ImageFixtures.dockerArchive(Files.createDirectories(fs.root().resolve("img-" + stores)), name, layers);
        return ImageFixtures.tar(dir, fs.root().resolve("img-" + stores + ".tar"));
    }

    @Test
    void importListInspectRemoveAndCollect() throws Exception {
        Store s = new Store();
        Path tar = image("demo/busybox:1");
        assertTrue(s.ok("image", "import", tar.toString(), "--name", "demo/busybox:1").out().contains("2 layers"));
        JsonNode images = s.ok("image", "ls", "--format", "json").json();
        assertEquals(1, images.size());
        assertEquals("demo/busybox:1", images.get(0).path("names").get(0).asText());
        String id = images.get(0).path("id").asText();
        assertTrue(s.ok("image", "ls").out().contains(id.substring(7, 19)), "the table shows the short id");

        JsonNode inspect = s.ok("image", "inspect", "demo/busybox:1").json();
        assertEquals(2, inspect.path("chain").size());
        assertEquals("/bin/sh", inspect.path("config").path("config").path("Cmd").get(0).asText());

        JsonNode layers = s.ok("layer", "ls", "--format", "json").json();
        assertEquals(2, layers.size());
        String base = inspect.path("diffIds").get(0).asText();
        JsonNode layer = s.ok("layer", "inspect", base.substring(7, 19)).json();
        assertEquals(base, layer.path("layer").path("chainId").asText());
        assertEquals(1, layer.path("children").size());

        Result busy = s.run("layer", "rm", base);
        assertEquals(ErrorReporter.EXIT_FAILURE, busy.code());
        assertTrue(busy.err().contains("in use"), busy.err());

        JsonNode rm = s.ok("image", "rm", "demo/busybox:1", "--format", "json").json();
        assertEquals(id, rm.path("removed").get(0).asText());
        assertEquals(0, rm.path("untagged").size());
        assertEquals(0, s.ok("image", "ls", "--format", "json").json().size());
        assertTrue(s.ok("gc").out().contains("2 layers removed"));
        assertEquals(0, s.ok("layer", "ls", "--format", "json").json().size());
        assertTrue(s.ok("fsck").out().contains("consistent"));
    }

    @Test
    void aContainerIsMountedWrittenDiffedAndRemoved() throws Exception {
        Store s = new Store();
        s.ok("image", "import", image("app:1").toString());
        s.ok("container", "create", "web", "--image", "app:1");
        Path root = Path.of(s.ok("container", "mount", "web").out().strip());
        assertEquals("hi\n", Files.readString(root.resolve("etc/motd")));
        assertFalse(Files.exists(root.resolve("etc/issue")), "the second layer's whiteout");
        Files.writeString(root.resolve("hello.txt"), "hello\n");
        assertEquals(List.of("A /hello.txt"), s.ok("container", "changes", "web").out().lines().toList());
        Path diff = fs.root().resolve("web.tar");
        s.ok("container", "diff", "web", "-o", diff.toString());
        assertTrue(new String(Files.readAllBytes(diff), java.nio.charset.StandardCharsets.ISO_8859_1).contains("hello.txt"));
        assertEquals(1, s.ok("container", "ls", "--format", "json").json().size());

        JsonNode again = s.ok("container", "mount", "web", "--format", "json").json();
        assertEquals(root.toString(), again.path("root").asText());
        assertEquals(2, again.path("mounts").asInt(), "this command's mount beside the first");
        assertEquals(1, s.ok("container", "umount", "web", "--format", "json").json().path("mounts").asInt());

        Result busy = s.run("container", "rm", "web");
        assertEquals(ErrorReporter.EXIT_FAILURE, busy.code(), "mounted");
        s.ok("container", "umount", "web");
        assertEquals("web", s.ok("container", "rm", "web", "--format", "json").json().path("removed").get(0).asText());
        assertEquals(0, s.ok("container", "ls", "--format", "json").json().size());
        assertTrue(s.ok("gc").out().contains("0 layers removed"), "the image still needs its layers");
    }

    @Test
    void layersCreatedByHandAreHeldUntilRemoved() throws Exception {
        Store s = new Store();
        Path tar = fs.root().resolve("one.tar");
        Files.write(tar, ImageFixtures.compress(ImageFixtures.layer(fs.root().resolve("trees"), Map.of("one", "1")),
                Compression.GZIP));
        String base = s.ok("layer", "create", "--from", tar.toString()).out().strip();
        String top = s.ok("layer", "create", "--parent", base).out().strip();
        assertTrue(s.ok("gc").out().contains("0 layers removed"), "held by layer create");
        assertEquals(List.of(), s.ok("layer", "changes", top).out().lines().toList(), "an empty layer changes nothing");
        assertEquals(top, s.ok("layer", "rm", top, "--format", "json").json().path("removed").get(0).asText());
        s.ok("layer", "rm", base);
        assertEquals(0, s.ok("layer", "ls", "--format", "json").json().size());
    }

    @Test
    void exportWritesAnOciLayoutThatImportsAgain() throws Exception {
        Store s = new Store();
        s.ok("image", "import", image("round:trip").toString());
        Path out = fs.root().resolve("export-" + stores + ".tar");
        s.ok("image", "export", "round:trip", "-o", out.toString());
        Store t = new Store();
        JsonNode r = t.ok("image", "import", out.toString(), "--format", "json").json();
        assertEquals("oci", r.path("format").asText());
        assertEquals("round:trip", r.path("image").path("names").get(0).asText());
        t.ok("container", "create", "c", "--image", "round:trip");
        Path root = Path.of(t.ok("container", "mount", "c").out().strip());
        assertEquals("on\n", Files.readString(root.resolve("etc/app")));
        assertFalse(Files.exists(root.resolve("etc/issue")));
        t.ok("container", "umount", "c");
    }

    @Test
    void withoutDriverANewStoreTakesOverlayAndKeepsIt() throws Exception {
        Path root = fs.root().resolve("default-" + stores++);
        String[] where = {"--root", root.toString()};
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        assertEquals(0, cli.execute(concat(new String[] {"layer", "create", "--format", "json"}, where)));
        assertTrue(Files.isDirectory(root.resolve("overlay")), "overlay is the best probe on xfs with d_type");
        assertEquals("overlay", Output.JSON.readTree(out.toString()).path("driver").asText());
        CommandLine again = Main.commandLine();
        StringWriter err = new StringWriter();
        again.setErr(new PrintWriter(err));
        again.setOut(new PrintWriter(new StringWriter()));
        assertEquals(ErrorReporter.EXIT_FAILURE, again.execute(concat(new String[] {"layer", "ls", "--driver", "btrfs"}, where)));
        assertTrue(err.toString().contains("made with driver overlay"), err.toString());
        assertFalse(Files.exists(root.resolve("btrfs")), "the other driver was never opened there");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aBadFormatIsAUsageErrorAndAMissingImageOneLine() {
        Store s = new Store();
        Result bad = s.run("image", "ls", "--format", "yaml");
        assertTrue(bad.code() != 0);
        Result missing = s.run("image", "inspect", "nope:1");
        assertEquals(ErrorReporter.EXIT_FAILURE, missing.code());
        assertEquals("jstore: image nope:1 not found", missing.err().strip());
    }
}
