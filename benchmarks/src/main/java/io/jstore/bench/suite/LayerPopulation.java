package io.jstore.bench.suite;

import io.jstore.graph.Digests;
import io.jstore.graph.LayerRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A synthetic store of {@code n} layers: chains of {@code depth} layers each (images share no
 * layers), with real OCI ChainIDs. Lookups go through {@link #pick} in a fixed shuffled order,
 * so the subject and the reference touch the same keys.
 */
final class LayerPopulation {
    private final List<LayerRecord> records;
    private final String[] shuffled;
    private final String[] tops;
    private int next;
    private int nextTop;
    private int inserted;

    private LayerPopulation(List<LayerRecord> records, String[] shuffled, String[] tops) {
        this.records = records;
        this.shuffled = shuffled;
        this.tops = tops;
    }

    static LayerPopulation of(int n, int depth) {
        List<LayerRecord> records = new ArrayList<>(n);
        List<String> tops = new ArrayList<>();
        String parent = null;
        for (int i = 0; i < n; i++) {
            if (i % depth == 0) parent = null;
            LayerRecord r = record(parent, "layer-" + i, i);
            records.add(r);
            parent = r.chainId();
            if (i % depth == depth - 1 || i == n - 1) tops.add(r.chainId());
        }
        List<String> ids = new ArrayList<>(records.stream().map(LayerRecord::chainId).toList());
        Collections.shuffle(ids, new Random(42));
        return new LayerPopulation(records, ids.toArray(String[]::new), tops.toArray(String[]::new));
    }

    private static LayerRecord record(String parent, String seed, int i) {
        String diffId = Digests.of(seed.getBytes());
        String chainId = Digests.chainId(parent, diffId);
        return new LayerRecord(chainId, diffId, parent, "vfs", Digests.hex(chainId).substring(0, 32),
                1000L + i, null, 0, 1_700_000_000_000L + i, 1);
    }

    List<LayerRecord> records() {
        return records;
    }

    /** The next existing ChainID to look up. */
    String pick() {
        String id = shuffled[next];
        next = (next + 1) % shuffled.length;
        return id;
    }

    /** The top of the next chain to walk. */
    String top() {
        return tops[nextTop++ % tops.length];
    }

    /** A new layer on one of the chains, never seen before. */
    LayerRecord fresh() {
        int i = inserted++;
        return record(tops[i % tops.length], "inserted-" + i, records.size() + i);
    }
}
