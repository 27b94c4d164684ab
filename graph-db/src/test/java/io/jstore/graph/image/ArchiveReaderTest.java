package io.jstore.graph.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.graph.Digests;
import io.jstore.graph.GraphException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveReaderTest {
    @TempDir
    Path dir;

    private String blob(byte[] b) throws Exception {
        String d = Digests.of(b);
        Path p = dir.resolve(ArchiveReader.path(d));
        Files.createDirectories(p.getParent());
        Files.write(p, b);
        return d;
    }

    private String writeLayout(byte[] layer) throws Exception {
        String layerDigest = blob(layer);
        String diffId = layerDigest; // uncompressed layer: DiffID is the blob digest
        byte[] config = ("{\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        String configDigest = blob(config);
        byte[] manifest = ("{\"schemaVersion\":2,\"config\":{\"digest\":\"" + configDigest + "\",\"size\":" + config.length
                + "},\"layers\":[{\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}")
                .getBytes(StandardCharsets.UTF_8);
        String manifestDigest = blob(manifest);
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest + "\",\"size\":"
                + manifest.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"demo:1\"}}]}");
        return manifestDigest;
    }

    @Test
    void readsAnOciLayoutIntoAPlan() throws Exception {
        String manifest = writeLayout(new byte[1024]);
        try (Blobs b = Blobs.of(dir)) {
            assertTrue(ArchiveReader.isOci(b));
            ImagePlan plan = ArchiveReader.oci(b, null);
            assertEquals(manifest, plan.manifestDigest());
            assertEquals(List.of("demo:1"), plan.names());
            assertEquals(1, plan.layers().size());
            assertEquals(Digests.of(new byte[1024]), plan.layers().get(0).diffId());
        }
    }

    @Test
    void aTamperedManifestFailsNamingItsDigest() throws Exception {
        String manifest = writeLayout(new byte[16]);
        Path p = dir.resolve(ArchiveReader.path(manifest));
        Files.writeString(p, Files.readString(p).replace("\"schemaVersion\":2", "\"schemaVersion\":3"));
        try (Blobs b = Blobs.of(dir)) {
            GraphException.DigestMismatchException e = assertThrows(GraphException.DigestMismatchException.class,
                    () -> ArchiveReader.oci(b, null));
            assertEquals(manifest, e.expected());
            assertTrue(e.getMessage().contains(manifest), e.getMessage());
        }
    }

    @Test
    void configWithoutDiffIdsIsCorrupt() {
        assertThrows(GraphException.CorruptException.class, () -> ArchiveReader.diffIds("{}".getBytes()));
        assertThrows(GraphException.CorruptException.class,
                () -> ArchiveReader.diffIds("{\"rootfs\":{\"diff_ids\":[\"md5:x\"]}}".getBytes()));
    }
}
