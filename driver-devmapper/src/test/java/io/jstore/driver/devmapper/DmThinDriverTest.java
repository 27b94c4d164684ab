package io.jstore.driver.devmapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.DriverException;
import io.jstore.driver.MountSpec;
import io.jstore.layer.Change;
import io.jstore.linux.Filesystems;
import io.jstore.linux.MountInfo;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The driver on the dm-thin pool; runs where device-mapper is (inside the test VM here). */
class DmThinDriverTest {
    private static final Map<String, String> OPTIONS = Map.of(DevmapperOptions.POOL, "dm-thin",
            DevmapperOptions.BASESIZE, "512M", DevmapperOptions.POOLSIZE, "1G", DevmapperOptions.METADATASIZE, "64M");

    @BeforeEach
    void needsDmThin() {
        Root.assumeRoot();
        Optional<String> why = DmThinPool.whyNot();
        Assumptions.assumeTrue(why.isEmpty(), () -> why.get() + "; DmThinVmTest runs these in a VM");
    }

    @Test
    void layersOnThinDevicesDivergeAndGo(@Scratch(type = FsType.EXT4, sizeMiB = 2048) ScratchFilesystem fs)
            throws Exception {
        Path home = fs.root().resolve("dm");
        DevmapperDriver d = DevmapperDriver.open(home, OPTIONS);
        try {
            assertTrue(d.pool() instanceof DmThinPool, d.pool().toString());
            d.create("L1", null, CreateOptions.DEFAULT);
            Path l1 = d.get("L1");
            assertEquals(Filesystems.EXT4_MAGIC, Filesystems.statfs(l1).magic());
            Files.writeString(l1.resolve("a"), "from L1");
            d.put("L1");
            assertFalse(MountInfo.isMountPoint(l1));
            assertTrue(d.pool().activePath("L1").isEmpty(), "the last put removes the thin device");

            d.createReadWrite("C1", "L1", CreateOptions.DEFAULT);
            List<MountSpec> specs = d.mounts("C1");
            assertTrue(specs.get(0).source().startsWith("/dev/dm-"), specs.toString());
            Path c1 = d.get("C1");
            Files.writeString(c1.resolve("a"), "from C1");
            Files.writeString(c1.resolve("b"), "new");
            d.put("C1");
            assertEquals("from L1", Files.readString(d.get("L1").resolve("a")));
            d.put("L1");
            List<String> changed = d.changes("C1", null).stream().map(Change::path).sorted().toList();
            assertEquals(List.of("a", "b"), changed.stream().map(p -> p.replaceFirst("^/", "")).toList());
            assertThrows(DriverException.LayerInUseException.class, () -> d.remove("L1"));
            assertTrue(d.status().details().get("Pool").startsWith("dm-thin"), d.status().toString());
        } finally {
            d.cleanup();
            d.close();
        }
        DevmapperDriver again = DevmapperDriver.open(home, Map.of());
        try {
            assertTrue(again.exists("C1") && again.exists("L1"), "layers survive a reopen");
            assertEquals("from C1", Files.readString(again.get("C1").resolve("a")));
            again.put("C1");
            again.remove("C1");
            again.remove("L1");
            assertEquals(List.of(BaseDevice.NAME), again.pool().list().stream().map(ThinDevice::name).toList());
        } finally {
            again.cleanup();
            again.close();
            ((DmThinPool) again.pool()).deactivatePool();
        }
    }

    /**
     * dm-thin's side of {@link MountCopiedElsewhereTest}: a copy of a layer's mount in another
     * namespace holds its thin device past the put, remove must still succeed (the device and
     * its blocks go with the copy), and a layer activated again meanwhile must keep its device
     * when the copy goes (the put's deferred removal is cancelled).
     */
    @Test
    void aLayerWhoseMountAnotherNamespaceCopiedIsRemovedAndItsBlocksGoWithTheCopy(
            @Scratch(type = FsType.EXT4, sizeMiB = 2048) ScratchFilesystem fs) throws Exception {
        Root.assumeTool("unshare");
        DevmapperDriver d = DevmapperDriver.open(fs.root().resolve("dm"), OPTIONS);
        DmThinPool pool = (DmThinPool) d.pool();
        try {
            d.create("L1", null, CreateOptions.DEFAULT);
            Path l1 = d.get("L1");
            Files.write(l1.resolve("big"), new byte[8 << 20]);
            Files.writeString(l1.resolve("a"), "from L1");
            Process holder = MountCopiedElsewhereTest.holdCopyOfEveryMount();
            long withL1;
            try {
                d.put("L1");
                assertTrue(pool.activePath("L1").isPresent(), "the copy holds L1's thin device past the put");
                d.createReadWrite("C1", "L1", CreateOptions.DEFAULT);
                assertEquals("from L1", Files.readString(d.get("C1").resolve("a")));
                d.put("C1");
                d.remove("C1");
                withL1 = pool.usage().dataUsed();
                d.remove("L1");
                assertFalse(d.exists("L1"));
                assertEquals(List.of(BaseDevice.NAME), pool.list().stream().map(ThinDevice::name).toList());
                // removing the mount point detaches the copy (the kernel does so for mounts of other
                // namespaces on a removed directory), and the kernel then removes the device from a
                // work queue: the deletion the pool deferred follows at its next change
                for (int i = 0; i < 100 && pool.deleteDeferredNow() > 0; i++) Thread.sleep(100);
                assertEquals(0, pool.deleteDeferredNow(), "the copy went, and L1's device with it");
                assertTrue(pool.usage().dataUsed() < withL1, "L1's blocks are free again");
            } finally {
                holder.destroy();
                holder.waitFor(10, TimeUnit.SECONDS);
            }

            d.create("L2", null, CreateOptions.DEFAULT);
            Files.writeString(d.get("L2").resolve("a"), "from L2");
            holder = MountCopiedElsewhereTest.holdCopyOfEveryMount();
            try {
                d.put("L2");
                d.mounts("L2");
            } finally {
                holder.destroy();
                holder.waitFor(10, TimeUnit.SECONDS);
            }
            Thread.sleep(500);
            assertTrue(pool.activePath("L2").isPresent(), "activated again, L2 keeps its device when the copy goes");
            assertEquals("from L2", Files.readString(d.get("L2").resolve("a")));
            d.put("L2");
        } finally {
            d.cleanup();
            d.close();
            pool.deactivatePool();
        }
    }

    /**
     * A pool whose data space runs out under a layer being applied: the device's filesystem
     * sees its own free space, not the pool's, so the writes fail with EIO (the pool has
     * error_if_no_space) and the driver must report ENOSPC for the layer, leave nothing of it,
     * and work again once layers are removed.
     */
    @Test
    void aFullPoolGivesATypedErrorAndLeavesNoHalfLayer(@Scratch(type = FsType.EXT4, sizeMiB = 1024) ScratchFilesystem fs)
            throws Exception {
        DevmapperDriver d = DevmapperDriver.open(fs.root().resolve("dm"), Map.of(DevmapperOptions.POOL, "dm-thin",
                DevmapperOptions.BASESIZE, "512M", DevmapperOptions.POOLSIZE, "64M", DevmapperOptions.METADATASIZE, "16M"));
        try {
            List<String> made = new ArrayList<>();
            String failed = null;
            for (int i = 0; i < 4 && failed == null; i++) {
                String id = "l" + i;
                try {
                    d.create(id, made.isEmpty() ? null : made.get(made.size() - 1), CreateOptions.DEFAULT);
                    d.applyDiff(id, null, new ByteArrayInputStream(layerOf(40 << 20, i)));
                    made.add(id);
                } catch (DriverException.NoSpaceException e) {
                    assertEquals(id, e.layer(), e.toString());
                    failed = id;
                }
            }
            assertEquals(List.of("l0"), made, "a 64 MiB pool holds one 40 MiB layer, not two");
            assertFalse(d.exists(failed));
            assertEquals(List.of(BaseDevice.NAME, "l0"), d.pool().list().stream().map(ThinDevice::name).toList());
            d.remove("l0");
            d.create(failed, null, CreateOptions.DEFAULT);
            d.applyDiff(failed, null, new ByteArrayInputStream(layerOf(40 << 20, 9)));
            assertEquals(40 << 20, Files.size(d.get(failed).resolve("blob")), "the pool works again once space is freed");
            d.put(failed);
        } finally {
            d.cleanup();
            d.close();
            ((DmThinPool) d.pool()).deactivatePool();
        }
    }

    /** A layer tar holding one file {@code blob} of random (unshareable) bytes. */
    private static byte[] layerOf(int bytes, int seed) throws Exception {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes + 4096);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry e = new TarArchiveEntry("blob");
            e.setSize(bytes);
            tar.putArchiveEntry(e);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        return out.toByteArray();
    }
}
