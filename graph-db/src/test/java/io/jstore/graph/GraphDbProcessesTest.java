package io.jstore.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several processes on one store: LMDB's one writer across processes, and what a killed one leaves. */
class GraphDbProcessesTest {
    @TempDir
    Path dir;

    @Test
    void writersOfSeveralProcessesLoseNothing() throws Exception {
        int perProcess = 150;
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int p = 0; p < 3; p++) children.add(ChildJvm.start(GraphDbChild.class, "write", dir.toString(), "p" + p, "" + perProcess));
            try (GraphDb db = GraphDb.open(dir)) {
                GraphDbChild.write(db, "self", perProcess);
            }
            for (ChildJvm c : children) assertEquals(0, c.waitFor(), "child " + c.pid());
        } finally {
            for (ChildJvm c : children) c.close();
        }
        try (GraphDb db = GraphDb.open(dir)) {
            assertEquals(4 * perProcess, db.read(GraphTxn::layers).size());
            assertEquals(Long.toString(4L * perProcess), db.read(t -> t.meta(GraphDbChild.COUNTER)).orElseThrow(),
                    "every read-modify-write of every process counted once");
            assertEquals(Digests.of("p2149".getBytes()), db.read(t -> t.cacheOwner("p2149")).orElseThrow());
        }
    }

    @Test
    void readsSeeWhatAnotherProcessJustCommittedThoughTheirTransactionsAreReused() throws Exception {
        try (GraphDb db = GraphDb.open(dir)) {
            // Several threads at once leave several reset transactions behind for the reads below to renew.
            List<CompletableFuture<Boolean>> warm = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                warm.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        for (int k = 0; k < 200; k++) if (db.read(t -> t.meta(GraphDbChild.COUNTER)).isPresent()) return false;
                        return true;
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (CompletableFuture<Boolean> w : warm) assertTrue(w.get(60, TimeUnit.SECONDS));
            for (int round = 1; round <= 2; round++) {
                try (ChildJvm child = ChildJvm.start(GraphDbChild.class, "write", dir.toString(), "r" + round, "20")) {
                    assertEquals(0, child.waitFor(), "child " + child.pid());
                }
                for (int k = 0; k < ReadTxns.MAX_IDLE + 1; k++) {
                    assertEquals(Long.toString(20L * round), db.read(t -> t.meta(GraphDbChild.COUNTER)).orElseThrow(),
                            "read " + k + " after round " + round);
                }
                assertEquals(20 * round, db.read(GraphTxn::layers).size());
                String last = Digests.of(("r" + round + "19").getBytes());
                assertEquals("r" + round + "19", db.read(t -> t.requireLayer(last)).cacheId());
            }
        }
    }

    @Test
    void cachedLookupsSeeAnotherProcessesCommitsAtOnce() throws Exception {
        String d = Digests.of("c0".getBytes());
        try (GraphDb db = GraphDb.open(dir)) {
            for (int k = 0; k < 3; k++) assertTrue(db.read(t -> t.layer(d)).isEmpty(), "lookup " + k + " before the child");
            try (ChildJvm child = ChildJvm.start(GraphDbChild.class, "write", dir.toString(), "c", "1")) {
                assertEquals(0, child.waitFor(), "child " + child.pid());
            }
            assertEquals("c0", db.read(t -> t.layer(d)).orElseThrow().cacheId(), "the layer another process registered");
            for (int round = 1; round <= 2; round++) {
                for (int k = 0; k < 3; k++) assertEquals(round - 1, db.read(t -> t.requireLayer(d)).refCount());
                try (ChildJvm child = ChildJvm.start(GraphDbChild.class, "ref", dir.toString(), d, "" + round)) {
                    assertEquals(0, child.waitFor(), "child " + child.pid());
                }
                assertEquals(round, db.read(t -> t.requireLayer(d)).refCount(), "refcount another process set");
            }
        }
    }

    @Test
    void cachedLookupsAndWalksDoNotServeALayerAnotherProcessRemoved() throws Exception {
        String base = GraphDbTest.digest(1);
        String top = Digests.chainId(base, GraphDbTest.digest(2));
        try (GraphDb db = GraphDb.open(dir)) {
            db.write(t -> {
                t.putLayer(GraphDbTest.layer(base, base, null, "c1"));
                t.putLayer(GraphDbTest.layer(top, GraphDbTest.digest(2), base, "c2"));
                return null;
            });
            for (int k = 0; k < 3; k++) {
                assertEquals("c2", db.read(t -> t.requireLayer(top)).cacheId(), "lookup " + k);
                assertEquals(2, db.read(t -> t.chain(top)).size(), "walk " + k);
            }
            try (ChildJvm child = ChildJvm.start(GraphDbChild.class, "rm", dir.toString(), base)) {
                assertEquals(0, child.waitFor(), "child " + child.pid());
            }
            assertTrue(db.read(t -> t.layer(base)).isEmpty(), "the layer another process removed");
            assertThrows(GraphException.CorruptException.class, () -> db.read(t -> t.chain(top)),
                    "a walk through the layer another process removed");
            try (ChildJvm child = ChildJvm.start(GraphDbChild.class, "rm", dir.toString(), top)) {
                assertEquals(0, child.waitFor(), "child " + child.pid());
            }
            assertThrows(GraphException.NotFoundException.class, () -> db.read(t -> t.requireLayer(top)));
        }
    }

    @Test
    void aWriterKilledInsideItsTransactionLeavesNothingAndBlocksNoOne() throws Exception {
        try (GraphDb db = GraphDb.open(dir)) {
            db.write(t -> {
                t.putMeta(GraphDbChild.COUNTER, "7");
                return null;
            });
        }
        try (ChildJvm child = ChildJvm.start(GraphDbChild.class, "hold-write", dir.toString())) {
            child.await("holding");
            child.kill();
        }
        try (GraphDb db = GraphDb.open(dir)) {
            // LMDB's writer mutex is robust: the dead owner's transaction is dropped, the next writer proceeds.
            db.write(t -> {
                t.putMeta("after", "yes");
                return null;
            });
            assertEquals("7", db.read(t -> t.meta(GraphDbChild.COUNTER)).orElseThrow());
            assertTrue(db.read(t -> t.layer(GraphDbTest.digest(-1))).isEmpty(), "the killed transaction's record");
            assertEquals("yes", db.read(t -> t.meta("after")).orElseThrow());
        }
    }

    @Test
    void theStoreLockExcludesOtherProcessesUntilTheirDeath() throws Exception {
        try (GraphDb db = GraphDb.open(dir); ChildJvm child = ChildJvm.start(GraphDbChild.class, "hold-lock", dir.toString())) {
            child.await("holding");
            CompletableFuture<Boolean> mine = CompletableFuture.supplyAsync(() -> {
                try (GraphDb.StoreLock l = db.lockStore()) {
                    return true;
                } catch (GraphException e) {
                    throw new IllegalStateException(e);
                }
            });
            boolean got;
            try {
                got = mine.get(500, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                got = false;
            }
            assertFalse(got, "took the store lock while process " + child.pid() + " holds it");
            assertTrue(db.tryLockStore().isEmpty(), "tryLock does not wait for it");
            child.kill();
            assertTrue(mine.get(60, TimeUnit.SECONDS), "the lock of a killed process is free");
        }
    }
}
