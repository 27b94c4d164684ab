package io.jstore.graph.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jstore.graph.Digests;
import io.jstore.layer.Compression;
import io.jstore.layer.LayerWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Images made on the spot for tests: layer tars from a map of files (plus whiteouts), and
 * the two archive formats around them, an OCI image layout and a docker-archive (the
 * {@code docker save} form), as directories or tars.
 */
public final class ImageFixtures {
    private ImageFixtures() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A layer tar holding {@code files} (path → content; a path ending in '/' is a directory) and whiteouts of {@code deleted}. */
    public static byte[] layer(Path scratch, Map<String, String> files, List<String> deleted) throws IOException {
        Path tree = Files.createTempDirectory(Files.createDirectories(scratch), "tree-");
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path p = tree.resolve(e.getKey());
            if (e.getKey().endsWith("/")) {
                Files.createDirectories(p);
            } else {
                Files.createDirectories(p.getParent());
                Files.writeString(p, e.getValue());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LayerWriter w = new LayerWriter(out)) {
            addTree(w, tree);
            for (String d : deleted) w.whiteout(d.startsWith("/") ? d : "/" + d);
        }
        return out.toByteArray();
    }

    public static byte[] layer(Path scratch, Map<String, String> files) throws IOException {
        return layer(scratch, files, List.of());
    }

    /** An OCI image layout at {@code dir}, layers compressed with {@code c}, tagged {@code name} (repo:tag). */
    public static Path ociLayout(Path dir, String name, Compression c, List<byte[]> layers) throws IOException {
        Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
        ArrayNode descs = JSON.createArrayNode();
        List<String> diffIds = new ArrayList<>();
        for (byte[] l : layers) {
            diffIds.add(Digests.of(l));
            byte[] blob = compress(l, c);
            String media = "application/vnd.oci.image.layer.v1.tar" + switch (c) {
                case NONE -> "";
                case GZIP -> "+gzip";
                case ZSTD -> "+zstd";
            };
            descs.add(descriptor(media, blob(blobs, blob), blob.length));
        }
        byte[] config = config(diffIds);
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", blob(blobs, config), config.length));
        manifest.set("layers", descs);
        byte[] m = JSON.writeValueAsBytes(manifest);
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        ObjectNode d = descriptor("application/vnd.oci.image.manifest.v1+json", blob(blobs, m), m.length);
        d.putObject("annotations").put("org.opencontainers.image.ref.name", name);
        index.putArray("manifests").add(d);
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return dir;
    }

    /** A docker-archive at {@code dir} as {@code docker save} (before Docker 25) writes it. */
    public static Path dockerArchive(Path dir, String name, List<byte[]> layers) throws IOException {
        Files.createDirectories(dir);
        List<String> diffIds = new ArrayList<>();
        ArrayNode paths = JSON.createArrayNode();
        for (byte[] l : layers) {
            String id = Digests.of(l);
            diffIds.add(id);
            Path p = Files.createDirectories(dir.resolve(Digests.hex(id))).resolve("layer.tar");
            Files.write(p, l);
            paths.add(Digests.hex(id) + "/layer.tar");
        }
        byte[] config = config(diffIds);
        String configName = Digests.hex(Digests.of(config)) + ".json";
        Files.write(dir.resolve(configName), config);
        ObjectNode entry = JSON.createObjectNode();
        entry.put("Config", configName);
        entry.putArray("RepoTags").add(name);
        entry.set("Layers", paths);
        Files.write(dir.resolve("manifest.json"), JSON.writeValueAsBytes(JSON.createArrayNode().add(entry)));
        return dir;
    }

    /** {@code dir}'s content as a tar at {@code file} (what {@code tar -C dir -cf file .} makes). */
    public static Path tar(Path dir, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); LayerWriter w = new LayerWriter(out)) {
            addTree(w, dir);
        }
        return file;
    }

    public static byte[] compress(byte[] b, Compression c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream o = c.writing(out)) {
            o.write(b);
        }
        return out.toByteArray();
    }

    private static void addTree(LayerWriter w, Path tree) throws IOException {
        try (Stream<Path> s = Files.walk(tree)) {
            for (Path p : s.skip(1).toList()) w.add(tree, "/" + tree.relativize(p));
        }
    }

    private static byte[] config(List<String> diffIds) throws IOException {
        ObjectNode c = JSON.createObjectNode();
        c.put("architecture", "amd64");
        c.put("os", "linux");
        c.putObject("config").putArray("Cmd").add("/bin/sh");
        ObjectNode rootfs = c.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        diffIds.forEach(ids::add);
        return JSON.writeValueAsBytes(c);
    }

    private static ObjectNode descriptor(String media, String digest, long size) {
        ObjectNode d = JSON.createObjectNode();
        d.put("mediaType", media);
        d.put("digest", digest);
        d.put("size", size);
        return d;
    }

    private static String blob(Path blobs, byte[] b) throws IOException {
        String d = Digests.of(b);
        Files.write(blobs.resolve(Digests.hex(d)), b);
        return d;
    }

}
