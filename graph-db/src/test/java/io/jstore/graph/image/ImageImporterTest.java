package io.jstore.graph.image;

import io.jstore.graph.testing.TestDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.graph.Digests;
import io.jstore.graph.Graph;
import io.jstore.graph.GraphException;
import io.jstore.graph.ImageRecord;
import io.jstore.graph.testing.ImageFixtures;
import io.jstore.layer.Compression;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every import format into a real vfs store; digests checked, nothing half-imported kept. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageImporterTest {
    private final ScratchFilesystem fs;
    private int n;

    ImageImporterTest(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs) {
        this.fs = fs;
    }

    private Path fresh(String what) throws IOException {
        return Files.createDirectories(fs.root().resolve(what + "-" + n++));
    }

    private List<byte[]> twoLayers() throws IOException {
        Path trees = fs.root().resolve("trees");
        return List.of(ImageFixtures.layer(trees, Map.of("bin/sh", "#!sh\n", "etc/old", "old")),
                ImageFixtures.layer(trees, Map.of("etc/app.conf", "on\n"), List.of("etc/old")));
    }

    private static String read(Graph g, String image, String path) throws IOException {
        ImageRecord i = g.image(image);
        try {
            return Files.readString(g.mount(i.topChainId()).resolve(path));
        } finally {
            g.unmount(i.topChainId());
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void anOciLayoutWithLayersCompressedEveryWay(Compression c) throws IOException {
        Path layout = ImageFixtures.ociLayout(fresh("oci"), "demo:1", c, twoLayers());
        try (Graph g = Graph.open(fresh("store"), TestDriver.NAME)) {
            ImageImporter.Result r = ImageImporter.importPath(g, layout, List.of(), ImportProgress.NONE);
            assertEquals("oci", r.format());
            assertEquals(List.of("demo:1"), r.names(), "the layout's ref name");
            assertEquals(2, r.layers().size());
            assertEquals("on\n", read(g, "demo:1", "etc/app.conf"));
            assertFalse(Files.exists(g.mount(r.image().topChainId()).resolve("etc/old")));
            g.unmount(r.image().topChainId());
            if (c != Compression.NONE) assertTrue(r.layers().get(0).compressedDigest() != null);
        }
    }

    @Test
    void aDockerArchiveTarAndItsDirectoryImportAsTheSameImage() throws IOException {
        Path dir = ImageFixtures.dockerArchive(fresh("docker"), "busy:box", twoLayers());
        Path tar = ImageFixtures.tar(dir, fresh("tars").resolve("busy.tar"));
        try (Graph g = Graph.open(fresh("store"), TestDriver.NAME)) {
            ImageImporter.Result fromTar = ImageImporter.importPath(g, tar, List.of(), ImportProgress.NONE);
            assertEquals("docker-archive", fromTar.format());
            ImageImporter.Result fromDir = ImageImporter.importPath(g, dir, List.of("other:2"), ImportProgress.NONE);
            assertEquals(fromTar.image().id(), fromDir.image().id());
            assertEquals(List.of("busy:box", "other:2"), g.namesOf(fromTar.image().id()).stream().sorted().toList());
            assertEquals(2, g.layers().size(), "the second import shares every layer");
            assertEquals("#!sh\n", read(g, "other:2", "bin/sh"));
        }
    }

    @Test
    void anOciLayoutTar() throws IOException {
        Path layout = ImageFixtures.ociLayout(fresh("oci"), "t:1", Compression.GZIP, twoLayers());
        Path tar = ImageFixtures.tar(layout, fresh("tars").resolve("oci.tar"));
        try (Graph g = Graph.open(fresh("store"), TestDriver.NAME)) {
            assertEquals("oci", ImageImporter.importPath(g, tar, List.of(), ImportProgress.NONE).format());
            assertEquals("on\n", read(g, "t:1", "etc/app.conf"));
        }
    }

    @Test
    void aRootfsTarballAndADirectoryBecomeOneLayerImages() throws IOException {
        Path tree = fresh("rootfs");
        Files.createDirectories(tree.resolve("etc"));
        Files.writeString(tree.resolve("etc/hostname"), "box\n");
        Path tgz = fresh("tars").resolve("rootfs.tar.zst");
        Files.write(tgz, ImageFixtures.compress(Files.readAllBytes(ImageFixtures.tar(tree, tgz.resolveSibling("r.tar"))),
                Compression.ZSTD));
        try (Graph g = Graph.open(fresh("store"), TestDriver.NAME)) {
            ImageImporter.Result a = ImageImporter.importPath(g, tgz, List.of("root:tar"), ImportProgress.NONE);
            ImageImporter.Result b = ImageImporter.importPath(g, tree, List.of("root:dir"), ImportProgress.NONE);
            assertEquals("rootfs", a.format());
            assertEquals("rootfs", b.format());
            assertEquals(1, a.layers().size());
            assertEquals("box\n", read(g, "root:tar", "etc/hostname"));
            assertEquals("box\n", read(g, "root:dir", "etc/hostname"));
            assertEquals(List.of(a.layers().get(0).diffId()), g.image("root:tar").diffIds());
        }
    }

    @Test
    void aTamperedLayerFailsNamingItsDigestAndLeavesNothing() throws IOException {
        Path trees = fs.root().resolve("trees");
        byte[] second = ImageFixtures.layer(trees, Map.of("etc/app.conf", "TAMPER-ME\n"));
        List<byte[]> layers = List.of(ImageFixtures.layer(trees, Map.of("bin/sh", "#!sh\n")), second);
        Path layout = ImageFixtures.ociLayout(fresh("oci"), "bad:1", Compression.NONE, layers);
        String digest = Digests.of(second);
        Path blob = layout.resolve("blobs/sha256/" + Digests.hex(digest));
        // Same size, other content: only the digest can tell.
        Files.writeString(blob, Files.readString(blob, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("TAMPER-ME", "TAMPER-ma"), java.nio.charset.StandardCharsets.ISO_8859_1);
        try (Graph g = Graph.open(fresh("store"), TestDriver.NAME)) {
            GraphException.DigestMismatchException e = assertThrows(GraphException.DigestMismatchException.class,
                    () -> ImageImporter.importPath(g, layout, List.of(), ImportProgress.NONE));
            assertEquals(digest, e.expected());
            assertTrue(e.getMessage().contains(digest), e.getMessage());
            assertTrue(g.images().isEmpty());
            assertTrue(g.layers().isEmpty(), "the good first layer was there for this image only: it goes too");
            assertTrue(g.driver().ids().isEmpty());
        }
    }
}
