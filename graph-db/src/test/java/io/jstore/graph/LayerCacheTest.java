package io.jstore.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LayerCacheTest {
    private static LayerRecord record(int i) {
        String diffId = Digests.of(("l" + i).getBytes());
        return new LayerRecord(Digests.chainId(null, diffId), diffId, null, "vfs", "c" + i, i, null, 0, i, 1);
    }

    @Test
    void readersRacingGrowingWritersSeeOnlyWhatWasRemembered() throws Exception {
        LayerCache.Generation g = new LayerCache().of(7);
        int n = 20_000;
        List<LayerRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) records.add(record(i));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int from = w;
                work.add(pool.submit(() -> {
                    for (int i = from; i < n; i += 2) {
                        LayerRecord r = records.get(i);
                        // a copy of the key: callers' strings are rarely the cached ones
                        String key = new String(r.chainId().toCharArray());
                        Object seen = g.get(key);
                        if (seen != null && seen != r) throw new AssertionError("wrong record for " + key);
                        g.remember(key, r);
                        if (g.get(key) != r) throw new AssertionError("lost " + key);
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) f.get();
        } finally {
            pool.shutdownNow();
        }
        for (LayerRecord r : records) assertSame(r, g.get(r.chainId()));
        assertNull(g.get(record(n).chainId()));
        g.remember("sha256:none", LayerCache.MISSING);
        assertSame(LayerCache.MISSING, g.get("sha256:none"));
    }

    @Test
    void aNewerSnapshotStartsAfreshAndOlderOnesBypass() {
        LayerCache c = new LayerCache();
        LayerCache.Generation g = c.of(3);
        g.remember("k", LayerCache.MISSING);
        assertSame(g, c.of(3));
        assertNull(c.of(4).get("k"));
        assertNull(c.of(3), "an older snapshot than the newest read");
        assertEquals(4, c.of(4).txnId);
    }
}
