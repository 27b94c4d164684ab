package io.jstore.bench.suite;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstore.graph.LayerRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference for graph-db: the containers/storage design, one {@code layers.json} read whole
 * into hash maps at open and rewritten whole (temp file, fsync, rename) on every change.
 */
final class JsonLayerStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<LayerRecord>> LIST = new TypeReference<>() {};

    private final Path file;
    private final Map<String, LayerRecord> byChainId = new HashMap<>();

    private JsonLayerStore(Path file) {
        this.file = file;
    }

    static JsonLayerStore create(Path file, List<LayerRecord> records) throws IOException {
        JsonLayerStore s = new JsonLayerStore(file);
        for (LayerRecord r : records) s.byChainId.put(r.chainId(), r);
        s.save();
        return s;
    }

    static JsonLayerStore open(Path file) throws IOException {
        JsonLayerStore s = new JsonLayerStore(file);
        for (LayerRecord r : JSON.readValue(file.toFile(), LIST)) s.byChainId.put(r.chainId(), r);
        return s;
    }

    LayerRecord get(String chainId) {
        return byChainId.get(chainId);
    }

    List<LayerRecord> chain(String top) {
        List<LayerRecord> out = new ArrayList<>();
        for (LayerRecord r = byChainId.get(top); r != null; r = r.parent() == null ? null : byChainId.get(r.parent())) {
            out.add(r);
        }
        return out;
    }

    void put(LayerRecord r) throws IOException {
        byChainId.put(r.chainId(), r);
        save();
    }

    void removeQuietly(LayerRecord r) {
        byChainId.remove(r.chainId());
    }

    int size() {
        return byChainId.size();
    }

    void save() throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), new ArrayList<>(byChainId.values()));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
