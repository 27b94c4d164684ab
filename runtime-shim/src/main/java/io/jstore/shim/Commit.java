package io.jstore.shim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jstore.graph.ContainerRecord;
import io.jstore.graph.Graph;
import io.jstore.graph.GraphException;
import io.jstore.graph.ImageRecord;
import io.jstore.graph.LayerRecord;
import io.jstore.graph.LayerSource;
import io.jstore.graph.Lease;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * docker commit: the container's diff (the driver's, native where it has one) registered as a
 * layer on the image's top layer, and an image whose config is the old one with that DiffID
 * appended to {@code rootfs.diff_ids} and a history entry. The lease keeps the new layer from
 * GC until the image holds it.
 */
final class Commit {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Graph graph;

    Commit(Graph graph) {
        this.graph = graph;
    }

    ImageRecord commit(String id, List<String> names) throws IOException {
        ContainerRecord c = graph.container(id).orElseThrow(() -> new GraphException.NotFoundException("container", id));
        Files.createDirectories(graph.root().resolve("tmp"));
        Path tar = Files.createTempFile(graph.root().resolve("tmp"), "commit-", ".tar");
        Lease lease = graph.beginLease();
        boolean committed = false;
        try {
            try (OutputStream out = Files.newOutputStream(tar)) {
                graph.diff(id, out);
            }
            LayerRecord layer;
            try (InputStream in = Files.newInputStream(tar)) {
                layer = graph.registerLayer(c.layer(), in, LayerSource.UNKNOWN, false, lease);
            }
            ImageRecord base = c.image() == null ? null : graph.image(c.image());
            List<String> diffIds = new ArrayList<>(base == null ? List.of() : base.diffIds());
            diffIds.add(layer.diffId());
            byte[] config = config(base == null ? null : base.config(), diffIds, "jstore commit " + id);
            ImageRecord img = graph.commitImage(config, diffIds, null, names, lease);
            committed = true;
            return img;
        } finally {
            Files.deleteIfExists(tar);
            if (!committed) graph.endLease(lease);
        }
    }

    static byte[] config(String baseConfig, List<String> diffIds, String createdBy) throws IOException {
        ObjectNode cfg = baseConfig == null ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(baseConfig);
        String now = Instant.now().toString();
        if (!cfg.has("architecture")) cfg.put("architecture", "amd64");
        if (!cfg.has("os")) cfg.put("os", "linux");
        cfg.put("created", now);
        ObjectNode rootfs = cfg.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        diffIds.forEach(ids::add);
        ArrayNode history = cfg.has("history") && cfg.get("history").isArray() ? (ArrayNode) cfg.get("history") : cfg.putArray("history");
        history.addObject().put("created", now).put("created_by", createdBy);
        return JSON.writeValueAsBytes(cfg);
    }
}
