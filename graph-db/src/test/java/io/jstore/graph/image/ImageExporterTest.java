package io.jstore.graph.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstore.graph.Digests;
import io.jstore.graph.Graph;
import io.jstore.graph.ImageRecord;
import io.jstore.graph.LayerRecord;
import io.jstore.graph.testing.ImageFixtures;
import io.jstore.graph.testing.TestDriver;
import io.jstore.layer.Compression;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An exported image is the imported one: every layer blob hashes to the DiffID its config names. */
class ImageExporterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Path scratch;
    private int n;

    private Path fresh(String what) throws IOException {
        return Files.createDirectories(scratch.resolve(what + "-" + n++));
    }

    /** Layers GNU tar wrote (its headers, order and padding are not what jstore's writer makes), gzipped. */
    private Path gnuTarImage() throws IOException, InterruptedException {
        Path one = fresh("tree");
        Files.createDirectories(one.resolve("etc/deep/er"));
        Files.writeString(one.resolve("etc/deep/er/conf"), "a\n".repeat(700));
        Files.writeString(one.resolve("etc/old"), "old\n");
        Files.createSymbolicLink(one.resolve("etc/link"), Path.of("deep/er/conf"));
        Path two = fresh("tree");
        Files.createDirectories(two.resolve("etc"));
        Files.writeString(two.resolve("etc/app"), "on\n");
        Files.createFile(two.resolve("etc/.wh.old"));
        List<byte[]> layers = new ArrayList<>();
        for (Path t : List.of(one, two)) {
            Path tar = t.resolveSibling(t.getFileName() + ".tar");
            Process p = new ProcessBuilder("tar", "--format=posix", "-C", t.toString(), "-cf", tar.toString(), ".")
                    .inheritIO().start();
            assertEquals(0, p.waitFor());
            layers.add(Files.readAllBytes(tar));
        }
        return ImageFixtures.ociLayout(fresh("oci"), "gnu:tar", Compression.GZIP, layers);
    }

    /** The config of an exported OCI layout tar, with the sha256 of each layer blob in manifest order. */
    private record Exported(String configDigest, List<String> configDiffIds, List<String> blobDigests, List<String> manifestDigests) {}

    private Exported read(Path tar) throws IOException, InterruptedException {
        Path dir = fresh("exported");
        assertEquals(0, new ProcessBuilder("tar", "-xf", tar.toString(), "-C", dir.toString()).inheritIO().start().waitFor());
        JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
        JsonNode manifest = JSON.readTree(blob(dir, index.path("manifests").get(0).path("digest").asText()).toFile());
        String configDigest = manifest.path("config").path("digest").asText();
        JsonNode config = JSON.readTree(blob(dir, configDigest).toFile());
        List<String> diffIds = new ArrayList<>();
        config.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
        List<String> blobs = new ArrayList<>();
        List<String> named = new ArrayList<>();
        for (JsonNode l : manifest.path("layers")) {
            named.add(l.path("digest").asText());
            blobs.add(Digests.of(Files.readAllBytes(blob(dir, l.path("digest").asText()))));
        }
        assertEquals(configDigest, Digests.of(Files.readAllBytes(blob(dir, configDigest))));
        return new Exported(configDigest, diffIds, blobs, named);
    }

    private static Path blob(Path dir, String digest) {
        return dir.resolve("blobs/sha256").resolve(Digests.hex(digest));
    }

    @Test
    void anImportedImageExportsWithItsOwnDiffIdsAndId(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs) throws Exception {
        scratch = fs.root();
        Path layout = gnuTarImage();
        try (Graph g = Graph.open(fresh("store"), TestDriver.NAME)) {
            ImageImporter.Result r = ImageImporter.importPath(g, layout, List.of(), ImportProgress.NONE);
            Path tar = fresh("out").resolve("export.tar");
            ImageExporter.Result e = ImageExporter.export(g, "gnu:tar", tar);
            Exported x = read(tar);
            assertEquals(r.image().diffIds(), x.configDiffIds(), "the config names the imported DiffIDs");
            assertEquals(x.configDiffIds(), x.blobDigests(), "each layer blob hashes to its DiffID");
            assertEquals(x.blobDigests(), x.manifestDigests());
            assertEquals(r.image().id(), x.configDigest(), "the image keeps its id");
            assertTrue(e.sameId());
        }
    }

    @Test
    void aLayerWithoutItsSplitIsRegeneratedAndTheConfigFollowsIt(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs) throws Exception {
        scratch = fs.root();
        Path layout = gnuTarImage();
        try (Graph g = Graph.open(fresh("store"), TestDriver.NAME)) {
            ImageImporter.importPath(g, layout, List.of(), ImportProgress.NONE);
            ImageRecord i = g.image("gnu:tar");
            // as a store imported before splits were kept
            g.db().write(t -> {
                for (LayerRecord l : t.chain(i.topChainId())) {
                    t.deleteLayer(l);
                    t.putLayer(l);
                }
                return null;
            });
            Path tar = fresh("out").resolve("export.tar");
            ImageExporter.Result e = ImageExporter.export(g, "gnu:tar", tar);
            Exported x = read(tar);
            assertEquals(x.configDiffIds(), x.blobDigests(), "each layer blob hashes to the DiffID its config names");
            assertNotEquals(i.diffIds(), x.configDiffIds(), "GNU tar's bytes are not what the driver's diff writes");
            assertNotEquals(i.id(), x.configDigest());
            assertEquals(e.imageId(), x.configDigest());
            assertFalse(e.sameId());
        }
    }
}
