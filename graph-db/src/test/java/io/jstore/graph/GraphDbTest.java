package io.jstore.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphDbTest {
    @TempDir
    Path dir;

    static String digest(int n) {
        return Digests.of(("layer-" + n).getBytes());
    }

    static LayerRecord layer(String chain, String diff, String parent, String cache) {
        return new LayerRecord(chain, diff, parent, "vfs", cache, 1234, null, 0, 1, 0);
    }

    @Test
    void chainIdFollowsTheOciRule() {
        String d = digest(1);
        assertEquals(d, Digests.chainId(null, d), "a base layer's ChainID is its DiffID");
        // Reference value computed outside Java: sha256("sha256:aaa… sha256:bbb…").
        assertEquals("sha256:ccd722928bd92476ba1745586fed6e45a102504185ad88cd89e01ff116fd146c",
                Digests.chainId("sha256:" + "a".repeat(64), "sha256:" + "b".repeat(64)));
    }

    /**
     * This process's POSIX record locks on the first byte of {@code file}, as /proc/locks lists them
     * (LMDB's mark that the environment is in use; a reader's lock is at the offset of its pid).
     */
    static List<String> ourLocksOnByteZero(Path file) throws Exception {
        long ino = (Long) java.nio.file.Files.getAttribute(file, "unix:ino");
        String pid = Long.toString(ProcessHandle.current().pid());
        return java.nio.file.Files.readAllLines(Path.of("/proc/locks")).stream()
                .filter(l -> l.contains(" POSIX "))
                .filter(l -> {
                    String[] f = l.trim().split("\\s+");
                    return f.length >= 7 && f[4].equals(pid) && f[5].endsWith(":" + ino) && f[6].equals("0");
                }).toList();
    }

    // LMDB marks its lock file as in use with a POSIX record lock, and POSIX drops every lock a
    // process holds on a file when it closes any descriptor of that file: reading the lock file
    // through a descriptor of its own that it then closes would let the next process to open the
    // store believe it alone and reset the writer mutex and the reader table under this one.
    @Test
    void anOpenStoreKeepsLmdbsLockOnItsLockFileUntilItCloses() throws Exception {
        Path lockFile = dir.resolve("lock.mdb");
        try (GraphDb db = GraphDb.open(dir)) {
            db.write(t -> {
                t.putLayer(layer(digest(1), digest(1), null, "c1"));
                return null;
            });
            db.read(t -> t.requireLayer(digest(1)));
            assertFalse(ourLocksOnByteZero(lockFile).isEmpty(), "LMDB's lock on lock.mdb was dropped while the store is open");
        }
        assertTrue(ourLocksOnByteZero(lockFile).isEmpty(), "a lock on lock.mdb outlived close");
    }

    @Test
    void recordsRoundTripAndIndexesFollowLayers() throws Exception {
        String base = digest(1);
        String top = Digests.chainId(base, digest(2));
        try (GraphDb db = GraphDb.open(dir)) {
            db.write(t -> {
                t.putLayer(layer(base, base, null, "c1"));
                t.putLayer(layer(top, digest(2), base, "c2"));
                t.putImage(new ImageRecord(digest(9), "{\"rootfs\":{}}", List.of(base, digest(2)), top, null, 5));
                t.putName("busybox:latest", digest(9));
                t.putContainer(new ContainerRecord("ctr", "c3", digest(9), top, 7, "created", Map.of("k", "v")));
                return null;
            });
        }
        try (GraphDb db = GraphDb.open(dir)) {
            db.read(t -> {
                assertEquals(layer(top, digest(2), base, "c2"), t.requireLayer(top));
                assertEquals(List.of(top), t.children(base));
                assertEquals(top, t.cacheOwner("c2").orElseThrow());
                assertEquals("container:ctr", t.cacheOwner("c3").orElseThrow());
                assertEquals(List.of(top, base), t.chain(top).stream().map(LayerRecord::chainId).toList());
                assertEquals(digest(9), t.imageOfName("busybox:latest").orElseThrow());
                assertEquals(List.of("busybox:latest"), t.namesOf(digest(9)));
                assertEquals(Map.of("k", "v"), t.container("ctr").orElseThrow().config());
                return null;
            });
            db.write(t -> {
                t.deleteLayer(t.requireLayer(top));
                return null;
            });
            db.read(t -> {
                assertTrue(t.children(base).isEmpty());
                assertTrue(t.cacheOwner("c2").isEmpty());
                assertThrows(GraphException.NotFoundException.class, () -> t.requireLayer(top));
                return null;
            });
        }
    }

    @Test
    void incompleteWorkHoldsItsParentAsAChild() throws Exception {
        String base = digest(1);
        try (GraphDb db = GraphDb.open(dir)) {
            IncompleteRecord inc = IncompleteRecord.mine("c9", IncompleteRecord.Kind.LAYER,
                    IncompleteRecord.Op.CREATING, base, "vfs");
            db.write(t -> {
                t.putLayer(layer(base, base, null, "c1"));
                t.putIncomplete(inc);
                return null;
            });
            assertEquals(List.of("incomplete:c9"), db.read(t -> t.children(base)));
            assertTrue(inc.ownerAlive(), "this process owns it");
            assertEquals(inc, db.read(t -> t.incomplete("c9")).orElseThrow());
            db.write(t -> {
                t.deleteIncomplete(inc);
                return null;
            });
            assertTrue(db.read(t -> t.children(base)).isEmpty());
        }
    }

    @Test
    void deadOwnerIsRecognisedEvenIfThePidIsReused() {
        IncompleteRecord reused = new IncompleteRecord("c", IncompleteRecord.Kind.LAYER, IncompleteRecord.Op.CREATING,
                null, "vfs", ProcessHandle.current().pid(), 12345, 0);
        assertTrue(!reused.ownerAlive(), "same pid, other start time: not the owner");
        IncompleteRecord gone = new IncompleteRecord("c", IncompleteRecord.Kind.LAYER, IncompleteRecord.Op.CREATING,
                null, "vfs", Integer.MAX_VALUE - 7, 1, 0);
        assertTrue(!gone.ownerAlive());
    }

    @Test
    void mapGrowsWhenFull() throws Exception {
        int n = 20_000;
        try (GraphDb db = GraphDb.open(dir, 1L << 20)) {
            long before = db.mapSize();
            for (int batch = 0; batch < n; batch += 2_000) {
                int from = batch;
                db.write(t -> {
                    for (int i = from; i < from + 2_000; i++) t.putLayer(layer(digest(i), digest(i), null, "c" + i));
                    return null;
                });
            }
            assertTrue(db.mapSize() > before, "map grew from " + before + " to " + db.mapSize());
        }
        try (GraphDb db = GraphDb.open(dir, 1L << 20)) {
            assertEquals(n, db.read(GraphTxn::layers).size());
            assertEquals("c77", db.read(t -> t.requireLayer(digest(77))).cacheId());
        }
    }

    @Test
    void corruptRecordsFailTyped() {
        byte[] good = Codec.layer(layer(digest(1), digest(1), null, "c1"));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
        assertThrows(GraphException.CorruptException.class, () -> Codec.layer(truncated));
        assertThrows(GraphException.CorruptException.class, () -> Codec.layer(new byte[] {9, 1, 2}));
        assertThrows(GraphException.CorruptException.class, () -> Digests.check("sha256:XYZ"));
    }

    @Test
    void storeLockIsExclusiveAcrossThreads() throws Exception {
        try (GraphDb db = GraphDb.open(dir)) {
            java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger maxInside = new java.util.concurrent.atomic.AtomicInteger();
            Thread[] ts = new Thread[4];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = new Thread(() -> {
                    for (int k = 0; k < 20; k++) {
                        try (GraphDb.StoreLock l = db.lockStore()) {
                            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            Thread.onSpinWait();
                            inside.decrementAndGet();
                        } catch (GraphException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                ts[i].start();
            }
            for (Thread t : ts) t.join();
            assertEquals(1, maxInside.get());
        }
    }

    @Test
    void childrenIndexHoldsEverySiblingAndLosesOnlyTheDeletedOne() throws Exception {
        String base = digest(1);
        List<String> kids = List.of(Digests.chainId(base, digest(2)), Digests.chainId(base, digest(3)),
                Digests.chainId(base, digest(4)));
        try (GraphDb db = GraphDb.open(dir)) {
            db.write(t -> {
                t.putLayer(layer(base, base, null, "c1"));
                for (int i = 0; i < kids.size(); i++) t.putLayer(layer(kids.get(i), digest(i + 2), base, "k" + i));
                return null;
            });
            assertEquals(kids.stream().sorted().toList(), db.read(t -> t.children(base)).stream().sorted().toList());
            db.write(t -> {
                t.deleteLayer(t.requireLayer(kids.get(1)));
                return null;
            });
            assertEquals(List.of(kids.get(0), kids.get(2)).stream().sorted().toList(),
                    db.read(t -> t.children(base)).stream().sorted().toList());
            assertTrue(db.read(t -> t.children(kids.get(0))).isEmpty(), "a leaf has no children");
        }
    }

    @Test
    void twoImagesSharingABaseShareItsChainIds() {
        String base = digest(1);
        String a = Digests.chainId(Digests.chainId(base, digest(2)), digest(3));
        String b = Digests.chainId(Digests.chainId(base, digest(2)), digest(4));
        assertEquals(Digests.chainId(base, digest(2)), Digests.chainId(digest(1), digest(2)));
        assertTrue(!a.equals(b), "different tops, different chains");
        // The same DiffID on another parent is another layer: a ChainID names the whole stack.
        assertTrue(!Digests.chainId(base, digest(2)).equals(Digests.chainId(digest(5), digest(2))));
    }

    @Test
    void referenceCountsChangeWithoutMovingTheIndexes() throws Exception {
        String base = digest(1);
        try (GraphDb db = GraphDb.open(dir)) {
            db.write(t -> {
                t.putLayer(layer(base, base, null, "c1"));
                return null;
            });
            for (int i = 0; i < 3; i++) {
                db.write(t -> {
                    LayerRecord l = t.requireLayer(base);
                    t.updateLayer(l.withRefCount(l.refCount() + 1));
                    return null;
                });
            }
            assertEquals(3, db.read(t -> t.requireLayer(base)).refCount());
            assertEquals(base, db.read(t -> t.cacheOwner("c1")).orElseThrow());
            assertThrows(IllegalArgumentException.class, () -> layer(base, base, null, "c1").withRefCount(-1));
        }
    }

    @Test
    void cachedLookupsFollowCommitsButNeitherAbortedWritesNorOlderSnapshots() throws Exception {
        String base = digest(1);
        try (GraphDb db = GraphDb.open(dir)) {
            assertTrue(db.read(t -> t.layer(base)).isEmpty());
            assertTrue(db.read(t -> t.layer(base)).isEmpty(), "remembered as missing");
            db.write(t -> {
                t.putLayer(layer(base, base, null, "c1"));
                return null;
            });
            assertEquals("c1", db.read(t -> t.requireLayer(base)).cacheId(), "the commit ends the missing entry");
            try (GraphDb.Snapshot old = db.snapshot()) {
                assertEquals(0, old.view().requireLayer(base).refCount());
                db.write(t -> {
                    t.updateLayer(t.requireLayer(base).withRefCount(2));
                    assertEquals(2, t.requireLayer(base).refCount(), "a writer sees its own change");
                    return null;
                });
                assertThrows(IllegalStateException.class, () -> db.write(t -> {
                    t.updateLayer(t.requireLayer(base).withRefCount(9));
                    assertEquals(9, t.requireLayer(base).refCount());
                    throw new IllegalStateException("abort");
                }));
                for (int i = 0; i < 3; i++) assertEquals(2, db.read(t -> t.requireLayer(base)).refCount());
                assertEquals(0, old.view().requireLayer(base).refCount(), "an older snapshot keeps what it saw");
                assertEquals(2, db.read(t -> t.requireLayer(base)).refCount());
            }
        }
    }

    @Test
    void aReadAnsweredByTheCacheRunsAgainOnOneSnapshotWhenACommitLandsBeforeItNeedsLmdb() throws Exception {
        String base = digest(1);
        try (GraphDb db = GraphDb.open(dir)) {
            db.write(t -> {
                t.putLayer(layer(base, base, null, "c1"));
                return null;
            });
            for (int i = 0; i < 3; i++) assertEquals(0, db.read(t -> t.requireLayer(base)).refCount(), "lookup " + i);
            AtomicInteger runs = new AtomicInteger();
            String seen = db.read(t -> {
                int refs = t.requireLayer(base).refCount(); // answered by the cache, no transaction yet
                if (runs.incrementAndGet() == 1) {
                    CompletableFuture.runAsync(() -> {
                        try {
                            db.write(w -> {
                                w.updateLayer(w.requireLayer(base).withRefCount(1));
                                w.putMeta("changed", "yes");
                                return null;
                            });
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }).join();
                }
                return refs + " " + t.meta("changed").orElse("no"); // needs LMDB: of the newer snapshot
            });
            assertEquals("1 yes", seen, "one snapshot, the newer one, in " + runs.get() + " runs");
            assertEquals(2, runs.get(), "the first run's answers were of the older snapshot");
        }
    }

    @Test
    void aNameMovesBetweenImagesAndImagesKeepTheirOtherNames() throws Exception {
        try (GraphDb db = GraphDb.open(dir)) {
            db.write(t -> {
                t.putImage(new ImageRecord(digest(8), "{}", List.of(), null, null, 1));
                t.putImage(new ImageRecord(digest(9), "{}", List.of(), null, null, 2));
                t.putName("app:1", digest(8));
                t.putName("app:latest", digest(8));
                t.putName("app:latest", digest(9));
                return null;
            });
            assertEquals(List.of("app:1"), db.read(t -> t.namesOf(digest(8))));
            assertEquals(List.of("app:latest"), db.read(t -> t.namesOf(digest(9))));
            db.write(t -> {
                t.deleteName("app:1");
                return null;
            });
            assertTrue(db.read(t -> t.imageOfName("app:1")).isEmpty());
            assertEquals(2, db.read(GraphTxn::images).size(), "untagging leaves the image");
        }
    }

    @Test
    void containersAndMountsComeAndGoWithTheirIndexes() throws Exception {
        try (GraphDb db = GraphDb.open(dir)) {
            ContainerRecord c = new ContainerRecord("web", "rw1", null, null, 3, "created", Map.of());
            db.write(t -> {
                t.putContainer(c);
                t.putMounts(new MountRecord("rw1", List.of(MountRecord.Holder.STORE, new MountRecord.Holder(1, 2))));
                return null;
            });
            assertEquals(2, db.read(t -> t.mounts("rw1")).orElseThrow().count());
            assertTrue(MountRecord.Holder.STORE.alive(), "a store mount outlives every process");
            db.write(t -> {
                t.deleteContainer(c);
                t.putMounts(new MountRecord("rw1", List.of()));
                return null;
            });
            assertTrue(db.read(t -> t.container("web")).isEmpty());
            assertTrue(db.read(t -> t.cacheOwner("rw1")).isEmpty());
            assertTrue(db.read(t -> t.mounts("rw1")).isEmpty(), "no holders, no record");
            assertTrue(db.read(GraphTxn::allMounts).isEmpty());
        }
    }
}
