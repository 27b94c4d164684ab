package io.jstore.driver.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.DriverException;
import io.jstore.driver.DriverProvider;
import io.jstore.driver.support.DriverHome;
import io.jstore.driver.support.LayerLock;
import io.jstore.driver.support.LayerRecords;
import io.jstore.layer.testing.RootfsTrees;
import io.jstore.layer.testing.TreeSnapshot;
import io.jstore.linux.MountInfo;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every driver runs unchanged, once per fixture filesystem it supports
 * (Netty's testsuite shape). A driver's subclass is a few lines:
 * <pre>{@code
 * class VfsOnXfsTest extends DriverConformance {
 *     VfsOnXfsTest(@Scratch(type = FsType.XFS, sizeMiB = 1024) ScratchFilesystem fs) {
 *         super(new VfsProvider(), fs);
 *     }
 * }
 * }</pre>
 * Checks are named after the bugs they guard against. Content checks are in
 * {@link ContentChecks}; this class holds mount counting, removal, reopening, crash repair
 * and full filesystems. The driver must be built on {@code io.jstore.driver.support}: the
 * crash checks leave the half-done state that machinery's records describe.
 */
public abstract class DriverConformance extends ContentChecks {
    protected DriverConformance(DriverProvider provider, ScratchFilesystem fs) {
        super(provider, fs);
    }

    /** Size of the small fixture that is filled up; xfs cannot be made much smaller. */
    protected long smallFixtureMiB() {
        return switch (fs.type()) {
            case XFS, XFS_NOFTYPE -> 320;
            case BTRFS -> 160;
            default -> 48;
        };
    }

    /** Guards against a lost or doubled count when threads get and put one layer at once: stacked mounts, or an unmount under a holder. */
    @Test
    void concurrentGetsAndPutsInThreadsMountOnceAndUnmountAtTheEnd() throws Exception {
        importLayer("base", null, new TestTars().file("etc/hostname", "base").bytes());
        Path root = driver.get("base");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        Path r = driver.get("base");
                        try {
                            assertEquals("base", Files.readString(r.resolve("etc/hostname")));
                            assertTrue(mountsOn(r) <= 1, "mounts stacked on " + r);
                        } finally {
                            driver.put("base");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, mountCount("base"));
        assertEquals("base", Files.readString(root.resolve("etc/hostname")), "unmounted under the remaining holder");
        driver.put("base");
        assertEquals(0, mountCount("base"));
        assertFalse(MountInfo.isMountPoint(root), "still mounted after the last put");
    }

    /** Guards against counts kept per process: a second JVM's get must keep the layer mounted after this one's put. */
    @Test
    void aSecondJvmSharesTheCountAndItsDeathReleasesIt() throws Exception {
        importLayer("base", null, new TestTars().file("etc/hostname", "base").bytes());
        Path root = driver.get("base");
        boolean mounts = MountInfo.isMountPoint(root);
        try (SecondJvm other = new SecondJvm(provider, home)) {
            assertEquals(root.toString(), other.run("get base"));
            assertEquals(2, mountCount("base"));
            driver.put("base");
            assertEquals(1, mountCount("base"));
            assertEquals(mounts, MountInfo.isMountPoint(root), "the other JVM's reference was not counted");
            assertEquals("base", Files.readString(root.resolve("etc/hostname")));
            assertThrows(DriverException.LayerInUseException.class, () -> driver.remove("base"));
            other.run("put base");
            assertEquals(0, mountCount("base"));
            assertFalse(MountInfo.isMountPoint(root));
            other.run("get base");
            other.kill();
        }
        assertEquals(0, mountCount("base"), "a dead holder still counts");
        reopen();
        assertFalse(MountInfo.isMountPoint(root), "a dead holder's mount survived the reopen");
        driver.remove("base");
        assertFalse(driver.exists("base"));
    }

    /** Guards against a {@code jstore mount} that dies with its command: a detached reference outlives its process. */
    @Test
    void aDetachedMountOutlivesTheProcessThatTookIt() throws Exception {
        importLayer("base", null, new TestTars().file("etc/hostname", "base").bytes());
        Path root;
        try (SecondJvm other = new SecondJvm(provider, home)) {
            root = Path.of(other.run("getDetached base"));
            other.kill();
        }
        assertEquals(1, mountCount("base"), "the detached reference died with its process");
        reopen();
        assertEquals(1, mountCount("base"), "the reopen's repair dropped the detached reference");
        assertEquals("base", Files.readString(root.resolve("etc/hostname")));
        assertThrows(DriverException.LayerInUseException.class, () -> driver.remove("base"));
        assertThrows(DriverException.class, () -> driver.put("base"), "a process put what the store holds");
        driver.putDetached("base");
        assertEquals(0, mountCount("base"));
        assertFalse(MountInfo.isMountPoint(root));
        driver.remove("base");
    }

    /**
     * Guards against check-then-act races between threads: two winners of one id, or a child
     * made on a parent that a concurrent remove deleted.
     */
    @Test
    void racingCreatesAndRemovesHaveOneWinnerAndLeaveNoOrphan() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            importLayer("p", null, new TestTars().file("a", "a").bytes());
            List<Future<Boolean>> same = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                same.add(pool.submit(() -> {
                    try {
                        driver.create("same", "p", CreateOptions.DEFAULT);
                        return true;
                    } catch (DriverException.ExistsException e) {
                        return false;
                    }
                }));
            }
            int winners = 0;
            for (Future<Boolean> f : same) if (f.get()) winners++;
            assertEquals(1, winners, "creators of one id that all succeeded");
            driver.remove("same");
            for (int round = 0; round < 10; round++) {
                Future<Boolean> removed = pool.submit(() -> {
                    try {
                        driver.remove("p");
                        return true;
                    } catch (DriverException.LayerInUseException e) {
                        return false;
                    }
                });
                Future<Boolean> child = pool.submit(() -> {
                    try {
                        driver.create("c", "p", CreateOptions.DEFAULT);
                        return true;
                    } catch (DriverException.NotFoundException e) {
                        return false;
                    }
                });
                boolean r = removed.get();
                boolean c = child.get();
                assertTrue(r != c, "round " + round + ": remove " + r + ", child " + c);
                assertEquals(c, driver.exists("c"));
                assertEquals(!r, driver.exists("p"));
                if (c) {
                    assertEquals(List.of("a"), ContentChecks.names(driver.get("c")), "round " + round);
                    driver.put("c");
                    driver.remove("c");
                    driver.remove("p");
                }
                importLayer("p", null, new TestTars().file("a", "a").bytes());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Guards against removing what is in use, leaving records behind, and ids that cannot be reused. */
    @Test
    void removeRefusesParentsAndMountedLayersAndFreesTheId() throws IOException {
        importLayer("p", null, new TestTars().file("a", "a").bytes());
        driver.createReadWrite("c", "p", CreateOptions.DEFAULT);
        DriverException.LayerInUseException parent = assertThrows(DriverException.LayerInUseException.class, () -> driver.remove("p"));
        assertEquals("p", parent.layer());
        driver.get("c");
        assertThrows(DriverException.LayerInUseException.class, () -> driver.remove("c"));
        driver.put("c");
        driver.remove("c");
        assertFalse(driver.exists("c"));
        assertThrows(DriverException.NotFoundException.class, () -> driver.remove("c"));
        assertThrows(DriverException.NotFoundException.class, () -> driver.get("c"));
        assertThrows(DriverException.InvalidIdException.class, () -> driver.remove("../p"));
        assertThrows(DriverException.ExistsException.class, () -> driver.create("p", null, CreateOptions.DEFAULT));
        driver.remove("p");
        assertEquals(0, driver.status().layers());
        importLayer("p", null, new TestTars().file("b", "b").bytes());
        assertEquals(List.of("b"), ContentChecks.names(driver.get("p")), "the re-used id shows old content");
        driver.put("p");
    }

    /** Guards against state kept only in memory: a reopened driver must find every layer as it was. */
    @Test
    void reopenedAfterCloseFindsItsLayersIntact() throws IOException {
        Path base = scratchDir("base");
        RootfsTrees.lower(base);
        importLayer("base", null, tarOf(null, base));
        driver.createReadWrite("c", "base", CreateOptions.DEFAULT);
        Path r = driver.get("c");
        RootfsTrees.change(r);
        driver.put("c");
        TreeSnapshot b = snapshot("base");
        TreeSnapshot c = snapshot("c");
        reopen();
        assertTrue(driver.exists("base") && driver.exists("c"));
        b.assertSame(snapshot("base"));
        c.assertSame(snapshot("c"));
        assertEquals(2, driver.status().layers());
        assertThrows(DriverException.LayerInUseException.class, () -> driver.remove("base"), "the parent link was lost");
    }

    /**
     * Guards against a crash leaving a layer half-made, half-removed, or mounted for ever: a
     * second JVM holds a mount and dies while creating a layer; another layer is caught in the
     * middle of its removal. The reopened driver removes both and unmounts the first.
     */
    @Test
    void reopenedAfterACrashRemovesHalfMadeLayersAndStaleMounts() throws Exception {
        importLayer("base", null, new TestTars().file("etc/hostname", "base").bytes());
        driver.create("removing", "base", CreateOptions.DEFAULT);
        DriverHome dh = DriverHome.of(provider.name(), home, Set.of());
        LayerRecords records = new LayerRecords(dh);
        Path root;
        try (SecondJvm other = new SecondJvm(provider, home)) {
            root = Path.of(other.run("get base"));
            // the creator blocks on the parent's lock after writing its incomplete record
            try (LayerLock parentLock = dh.lock("base")) {
                other.send("create half base");
                for (int i = 0; i < 600 && records.read("half").isEmpty(); i++) Thread.sleep(50);
                assertTrue(records.read("half").isPresent(), "the second JVM never began the layer");
                other.kill();
            }
        }
        records.markIncomplete("removing"); // what remove() writes before it deletes anything
        assertFalse(driver.exists("half"));
        assertFalse(driver.exists("removing"));
        reopen();
        assertTrue(driver.exists("base"));
        assertFalse(driver.exists("half"));
        assertFalse(driver.exists("removing"));
        assertEquals(List.of("base"), records.ids());
        assertEquals(0, mountCount("base"));
        assertFalse(MountInfo.isMountPoint(root), "the dead holder's mount survived");
        assertEquals(1, driver.status().layers());
        driver.create("half", "base", CreateOptions.DEFAULT); // the id is free again
        driver.remove("half");
        driver.remove("base"); // no child notes of the dead layers are left
    }

    /**
     * Guards against an ephemeral layer that mounts unlike the others (its specs, performed
     * elsewhere, must show what it wrote through the driver) and against one that outlives a
     * restart, when what it wrote may be half on the disk: the reopen in another boot (its
     * record's boot id changed here) removes it and the ephemeral layer made on it.
     */
    @Test
    void anEphemeralLayerWorksInItsBootAndIsGoneAfterARestart() throws Exception {
        importLayer("base", null, new TestTars().file("etc/hostname", "base").bytes());
        driver.createReadWrite("e", "base", CreateOptions.EPHEMERAL);
        Path r = driver.get("e");
        Files.writeString(r.resolve("written"), "in e");
        driver.put("e");
        driver.createReadWrite("on-e", "e", CreateOptions.EPHEMERAL);
        driver.createReadWrite("durable", "base", CreateOptions.DEFAULT);
        Path elsewhere = scratchDir("elsewhere");
        try (SpecMounts m = new SpecMounts(driver.mounts("on-e"), elsewhere)) {
            assertEquals("in e", Files.readString(elsewhere.resolve("written")));
            assertEquals("base", Files.readString(elsewhere.resolve("etc/hostname")));
        }
        reopen();
        assertTrue(driver.exists("e") && driver.exists("on-e"), "a reopen in the same boot removed an ephemeral layer");
        DriverHome dh = DriverHome.of(provider.name(), home, Set.of());
        for (String id : List.of("e", "on-e")) {
            Files.writeString(dh.record(id).resolve(LayerRecords.EPHEMERAL), "00000000-0000-0000-0000-000000000000");
        }
        reopen();
        assertFalse(driver.exists("e"));
        assertFalse(driver.exists("on-e"));
        assertEquals(List.of("base", "durable"), new LayerRecords(dh).ids());
        driver.remove("durable");
        driver.remove("base"); // no child notes of the removed layers are left
    }

    /** Guards against ENOSPC as an untyped error, and against the half-made layer a full disk leaves. */
    @Test
    void aFullFilesystemGivesATypedErrorAndLeavesNoHalfLayer() throws Exception {
        try (ScratchFilesystem small = ScratchFilesystem.create(fs.type(), smallFixtureMiB() << 20)) {
            Path smallHome = small.root().resolve("store");
            try (var d = provider.open(smallHome, options())) {
                FullDisk.fillLeaving(small.root().resolve("filler"), 24L << 20);
                String failed = null;
                int made = 0;
                for (int i = 0; i < 64 && failed == null; i++) {
                    String id = "l" + i;
                    try {
                        d.create(id, i == 0 ? null : "l" + (i - 1), CreateOptions.DEFAULT);
                        d.applyDiff(id, null, new java.io.ByteArrayInputStream(FullDisk.layerOf(4 << 20, i)));
                        made++;
                    } catch (DriverException.NoSpaceException e) {
                        assertEquals(id, e.layer(), e.toString());
                        failed = id;
                    }
                }
                assertTrue(failed != null, "64 layers of 4 MiB fitted into 24 MiB");
                assertFalse(d.exists(failed));
                assertEquals(made, d.status().layers());
                assertEquals(List.of(), FullDisk.namesContaining(smallHome, failed), "left of the failed layer");
                Files.delete(small.root().resolve("filler"));
                // the store is still usable once there is space again (as a base: vfs copies cost space)
                d.create(failed, null, CreateOptions.DEFAULT);
                d.applyDiff(failed, null, new java.io.ByteArrayInputStream(FullDisk.layerOf(4 << 20, made)));
                assertTrue(d.exists(failed));
                d.cleanup();
            }
        }
    }
}
