package io.jstore.graph;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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

    /** What a generation holds for a ChainID no layer has. */
    static final Object MISSING = new Object();

    private final AtomicReference<Generation> current = new AtomicReference<>(new Generation(-1));

    /** The lookups of snapshot {@code txnId}, or null when a newer snapshot has already been read. */
    Generation of(long txnId) {
        while (true) {
            Generation g = current.get();
            if (g.txnId == txnId) return g;
            if (txnId < g.txnId) return null;
            Generation next = new Generation(txnId);
            if (current.compareAndSet(g, next)) return next;
        }
    }

    /**
     * One snapshot's lookups in an open-addressed table, ChainID at {@code 2i} beside its record
     * at {@code 2i+1}: a hit reads one slot's cache line and not the record. At 10^5 layers the
     * table is far larger than the CPU caches, and a ConcurrentHashMap's table → node →
     * Optional made three dependent misses of every lookup (0.7 µs of a 1 µs budget here).
     * Readers take no lock; writers (only misses) take the generation's monitor, write the
     * record before the key, and publish a grown table only once it is filled.
     */
    static final class Generation {
        private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

        final long txnId;
        private volatile Object[] table = new Object[2 * 64];
        private int size; // guarded by this

        private Generation(long txnId) {
            this.txnId = txnId;
        }

        /** The record, {@link #MISSING}, or null when this generation has not seen {@code chainId}. */
        Object get(String chainId) {
            Object[] t = table;
            int mask = (t.length >> 1) - 1;
            for (int i = index(chainId, mask); ; i = (i + 1) & mask) {
                Object k = SLOT.getAcquire(t, i << 1);
                if (k == null) return null;
                if (k == chainId || k.equals(chainId)) return t[(i << 1) + 1];
            }
        }

        /** Remembers a lookup of this generation's snapshot: a record, or {@link #MISSING}. */
        synchronized void remember(String chainId, Object found) {
            if (size >= MAX || get(chainId) != null) return;
            Object[] t = table;
            // at most half full, so probe runs stay short and a miss finds an empty slot soon
            if (2 * (size + 1) > t.length >> 1) {
                t = grown(t);
                table = t;
            }
            put(t, chainId, found);
            size++;
        }

        private static Object[] grown(Object[] t) {
            Object[] g = new Object[t.length * 2];
            for (int i = 0; i < t.length; i += 2) {
                if (t[i] != null) put(g, (String) t[i], t[i + 1]);
            }
            return g;
        }

        private static void put(Object[] t, String chainId, Object found) {
            int mask = (t.length >> 1) - 1;
            int i = index(chainId, mask);
            while (t[i << 1] != null) i = (i + 1) & mask;
            t[(i << 1) + 1] = found;
            SLOT.setRelease(t, i << 1, chainId);
        }

        private static int index(String chainId, int mask) {
            int h = chainId.hashCode() * 0x9E3779B9;
            return (h ^ h >>> 16) & mask;
        }
    }
}
