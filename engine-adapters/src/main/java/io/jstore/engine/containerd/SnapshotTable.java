package io.jstore.engine.containerd;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstore.graph.GraphDb;
import io.jstore.graph.GraphTxn;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * containerd's snapshot names and labels, kept in the graph's own database (one meta entry),
 * so they change in LMDB transactions beside the layers and containers they name.
 */
final class SnapshotTable {
    private static final String KEY = "containerd.snapshots";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, Snapshot>> TYPE = new TypeReference<>() {};

    private final GraphDb db;

    SnapshotTable(GraphDb db) {
        this.db = db;
    }

    Map<String, Snapshot> all() throws IOException {
        return db.read(SnapshotTable::load);
    }

    /** Reads, changes and writes the table in one write transaction; {@code change} returns its result. */
    <R> R update(Change<R> change) throws IOException {
        return db.write(t -> {
            TreeMap<String, Snapshot> all = load(t);
            R r = change.apply(all);
            t.putMeta(KEY, JSON.writeValueAsString(all));
            return r;
        });
    }

    /** A change of the whole table; throwing aborts it. */
    @FunctionalInterface
    interface Change<R> {
        R apply(TreeMap<String, Snapshot> all) throws IOException;
    }

    private static TreeMap<String, Snapshot> load(GraphTxn t) throws IOException {
        String s = t.meta(KEY).orElse(null);
        return s == null ? new TreeMap<>() : JSON.readValue(s, TYPE);
    }
}
