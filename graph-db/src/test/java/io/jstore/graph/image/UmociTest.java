package io.jstore.graph.image;

import io.jstore.graph.testing.TestDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.graph.Graph;
import io.jstore.graph.ImageRecord;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** umoci and skopeo as oracles: umoci's multi-layer images import, and what jstore exports both read. */
class UmociTest {
    private static void run(Path cwd, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    /** Two repacks on an empty image: etc/one and etc/gone, then etc/two and etc/gone whited out. */
    private static void umociImage(Path w) throws Exception {
        run(w, "umoci", "init", "--layout", "layout");
        run(w, "umoci", "new", "--image", "layout:v1");
        run(w, "umoci", "unpack", "--image", "layout:v1", "bundle");
        Files.createDirectories(w.resolve("bundle/rootfs/etc"));
        Files.writeString(w.resolve("bundle/rootfs/etc/one"), "1\n");
        Files.writeString(w.resolve("bundle/rootfs/etc/gone"), "soon deleted\n");
        run(w, "umoci", "repack", "--image", "layout:v1", "bundle");
        // A bundle remembers the manifest it was unpacked from: unpack the new one for the second layer.
        run(w, "umoci", "unpack", "--image", "layout:v1", "bundle2");
        Files.writeString(w.resolve("bundle2/rootfs/etc/two"), "2\n");
        Files.delete(w.resolve("bundle2/rootfs/etc/gone"));
        run(w, "umoci", "repack", "--image", "layout:v1", "bundle2");
    }

    /** Imports umoci's layout as umoci/made:v1 and exports it again; returns the export tar. */
    private static Path importAndExport(Graph g, Path w) throws Exception {
        ImageImporter.Result r = ImageImporter.importPath(g, w.resolve("layout"), List.of("umoci/made:v1"),
                ImportProgress.NONE);
        assertEquals(2, r.layers().size(), "one layer per repack");
        Path tar = w.resolve("export.tar");
        assertTrue(ImageExporter.export(g, "umoci/made:v1", tar).sameId(), "umoci's layer tars replay byte for byte");
        return tar;
    }

    @Test
    void aMultiLayerImageMadeByUmociImportsAndExportsBackToUmoci(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs)
            throws Exception {
        Root.assumeRoot();
        Root.assumeTool("umoci");
        Path w = fs.root();
        umociImage(w);
        try (Graph g = Graph.open(w.resolve("store"), TestDriver.NAME)) {
            Path tar = importAndExport(g, w);
            ImageRecord i = g.image("umoci/made:v1");
            Path root = g.mount(i.topChainId());
            try {
                assertEquals("2\n", Files.readString(root.resolve("etc/two")));
                assertFalse(Files.exists(root.resolve("etc/gone")), "umoci's whiteout");
            } finally {
                g.unmount(i.topChainId());
            }

            Files.createDirectories(w.resolve("exported"));
            run(w, "tar", "-xf", tar.toString(), "-C", "exported");
            run(w, "umoci", "unpack", "--image", "exported:v1", "unpacked");
            assertEquals("1\n", Files.readString(w.resolve("unpacked/rootfs/etc/one")));
            assertEquals("2\n", Files.readString(w.resolve("unpacked/rootfs/etc/two")));
            assertFalse(Files.exists(w.resolve("unpacked/rootfs/etc/gone")));
        }
    }

    @Test
    void skopeoReadsTheExportAsAnOciArchiveAndItsCopyImportsAgain(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs)
            throws Exception {
        Root.assumeRoot();
        Root.assumeTool("umoci");
        Root.assumeTool("skopeo");
        Path w = fs.root();
        umociImage(w);
        try (Graph g = Graph.open(w.resolve("store"), TestDriver.NAME)) {
            Path tar = importAndExport(g, w);
            run(w, "skopeo", "--insecure-policy", "copy", "oci-archive:" + tar + ":v1", "oci:copied:v1");
            ImageImporter.Result back = ImageImporter.importPath(g, w.resolve("copied"), List.of("skopeo/copied:v1"),
                    ImportProgress.NONE);
            assertEquals(2, back.layers().size());
            Path copied = g.mount(back.image().topChainId());
            try {
                assertEquals("1\n", Files.readString(copied.resolve("etc/one")));
                assertFalse(Files.exists(copied.resolve("etc/gone")));
            } finally {
                g.unmount(back.image().topChainId());
            }
        }
    }
}
