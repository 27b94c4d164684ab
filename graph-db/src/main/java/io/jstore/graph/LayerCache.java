package io.jstore.graph;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Decoded layer lookups of the newest snapshot this process has read, keyed by ChainID. An LMDB
 * read transaction's id is the id of the last commit it sees (of any process), and what a
 * committed snapshot holds never changes; so records decoded in one read transaction serve
 * every later one with the same id, and the first read transaction with a higher id (another
 * process or thread committed) starts an empty generation. Write transactions neither read nor
 * fill it: they see their own uncommitted changes. A read of an older snapshot (a long-held
 * {@link GraphDb.Snapshot}) bypasses it.
 *
 * <p>Missing layers are remembered too (imports ask for ChainIDs they do not have yet). At most
 * {@link #MAX} lookups are kept per generation; past that, lookups go to LMDB.
 */
final class LayerCache {
    static final int MAX = 1 << 17;

    private record Generation(long txnId, Map<String, Optional<LayerRecord>> layers) {}

    private final AtomicReference<Generation> current = new AtomicReference<>(new Generation(-1, Map.of()));

    /** The lookups of snapshot {@code txnId}, or null when a newer snapshot has already been read. */
    Map<String, Optional<LayerRecord>> of(long txnId) {
        while (true) {
            Generation g = current.get();
            if (g.txnId == txnId) return g.layers;
            if (txnId < g.txnId) return null;
            Generation next = new Generation(txnId, new ConcurrentHashMap<>());
            if (current.compareAndSet(g, next)) return next.layers;
        }
    }

    /** Remembers a lookup of the snapshot {@code layers} came from {@link #of}. */
    static void remember(Map<String, Optional<LayerRecord>> layers, String chainId, Optional<LayerRecord> found) {
        if (layers.size() < MAX) layers.put(chainId, found);
    }
}
