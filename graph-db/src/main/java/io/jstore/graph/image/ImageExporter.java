package io.jstore.graph.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jstore.graph.Digests;
import io.jstore.graph.Graph;
import io.jstore.graph.ImageRecord;
import io.jstore.graph.LayerRecord;
import io.jstore.layer.LayerWriter;
import io.jstore.layer.TarSplit;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code jstore image export}: an image as an OCI image layout in a tar (what
 * {@code skopeo copy oci-archive:…} and, unpacked, {@code umoci} read). Each layer is written
 * uncompressed as the tar it was imported from, replayed from its tar-split
 * ({@link Graph#originalTar}), so its digest is the DiffID the config names and the image
 * keeps its id. A layer without a split (made from a directory by an older jstore, or changed
 * behind the store) is the driver's diff against its parent instead, whose bytes can differ
 * from the imported ones; the config then carries the new DiffIDs and the exported image has
 * a new id, said in the result.
 */
public final class ImageExporter {
    private ImageExporter() {}

    static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
    static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar";

    /** What was written: the exported config's digest (the image id it will import as), and whether it is the original's. */
    public record Result(String imageId, String manifestDigest, List<String> diffIds, boolean sameId, long bytes) {
        public Result {
            diffIds = List.copyOf(diffIds);
        }
    }

    public static Result export(Graph graph, String ref, Path file) throws IOException {
        ImageRecord image = graph.image(ref);
        List<String> names = graph.namesOf(image.id());
        List<LayerRecord> chain = new ArrayList<>(image.topChainId() == null ? List.of()
                : graph.db().read(t -> t.chain(image.topChainId())));
        java.util.Collections.reverse(chain); // base first
        Path tmp = Files.createDirectories(graph.root().resolve("tmp"));
        Path work = Files.createTempDirectory(tmp, "export-");
        try {
            Path blobs = Files.createDirectories(work.resolve("blobs/sha256"));
            ArrayNode layers = ArchiveReader.JSON.createArrayNode();
            List<String> diffIds = new ArrayList<>();
            for (LayerRecord l : chain) {
                Path part = blobs.resolve("part");
                String digest = null;
                try {
                    digest = write(part, out -> graph.originalTar(l.chainId(), out));
                } catch (TarSplit.StaleException e) {
                    // changed behind the store: what it holds now, as the driver writes it
                }
                if (!l.diffId().equals(digest)) digest = write(part, out -> {
                    graph.diff(l.chainId(), out);
                    return true;
                });
                long size = Files.size(part);
                Files.move(part, blobs.resolve(Digests.hex(digest)), StandardCopyOption.REPLACE_EXISTING);
                diffIds.add(digest);
                layers.add(descriptor(LAYER_TYPE, digest, size));
            }
            boolean same = diffIds.equals(image.diffIds());
            byte[] config = same ? image.config().getBytes(StandardCharsets.UTF_8) : withDiffIds(image.config(), diffIds);
            String configDigest = blob(blobs, config);

            ObjectNode manifest = ArchiveReader.JSON.createObjectNode();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", MANIFEST_TYPE);
            manifest.set("config", descriptor(CONFIG_TYPE, configDigest, config.length));
            manifest.set("layers", layers);
            byte[] manifestBytes = ArchiveReader.JSON.writeValueAsBytes(manifest);
            String manifestDigest = blob(blobs, manifestBytes);

            ObjectNode index = ArchiveReader.JSON.createObjectNode();
            index.put("schemaVersion", 2);
            index.put("mediaType", "application/vnd.oci.image.index.v1+json");
            ArrayNode manifests = index.putArray("manifests");
            // One entry per name; ref.name is the tag (what umoci and skopeo match), the full name rides along as containerd writes it.
            for (String n : names.isEmpty() ? List.<String>of((String) null) : names) {
                ObjectNode d = descriptor(MANIFEST_TYPE, manifestDigest, manifestBytes.length);
                if (n != null) {
                    d.putObject("annotations").put(ArchiveReader.REF_NAME, n.substring(n.lastIndexOf(':') + 1))
                            .put(ArchiveReader.CONTAINERD_NAME, n);
                }
                manifests.add(d);
            }
            Files.write(work.resolve("index.json"), ArchiveReader.JSON.writeValueAsBytes(index));
            Files.writeString(work.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");

            Path part = file.resolveSibling(file.getFileName() + ".part");
            try (OutputStream out = Files.newOutputStream(part); LayerWriter w = new LayerWriter(out)) {
                w.add(work, "/oci-layout");
                w.add(work, "/index.json");
                w.add(work, "/blobs");
                w.add(work, "/blobs/sha256");
                try (Stream<Path> s = Files.list(blobs)) {
                    for (Path b : s.sorted().toList()) w.add(work, "/blobs/sha256/" + b.getFileName());
                }
            }
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Result(configDigest, manifestDigest, diffIds, same, Files.size(file));
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private interface TarSource {
        boolean writeTo(OutputStream out) throws IOException;
    }

    /** The digest of what {@code source} wrote to {@code part}, or null if it had nothing to write. */
    private static String write(Path part, TarSource source) throws IOException {
        MessageDigest md = Digests.sha256();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(part), md)) {
            if (!source.writeTo(out)) return null;
        }
        return Digests.format(md);
    }

    private static ObjectNode descriptor(String mediaType, String digest, long size) {
        ObjectNode d = ArchiveReader.JSON.createObjectNode();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        return d;
    }

    private static String blob(Path blobs, byte[] bytes) throws IOException {
        String digest = Digests.of(bytes);
        Files.write(blobs.resolve(Digests.hex(digest)), bytes);
        return digest;
    }

    private static byte[] withDiffIds(String config, List<String> diffIds) throws IOException {
        ObjectNode c = (ObjectNode) ArchiveReader.JSON.readTree(config);
        ObjectNode rootfs = c.with("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        diffIds.forEach(ids::add);
        return ArchiveReader.JSON.writeValueAsBytes(c);
    }
}
