package io.jstore.driver.devmapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.DriverException;
import io.jstore.driver.MountSpec;
import io.jstore.linux.Extents;
import io.jstore.linux.Filesystems;
import io.jstore.linux.LoopDevice;
import io.jstore.linux.MountInfo;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevmapperDriverTest {
    private static final long MiB = 1 << 20;
    /** The reflink pool even where the kernel has dm-thin (DmThinDriverTest covers that one). */
    static final Map<String, String> SMALL = Map.of(DevmapperOptions.BASESIZE, "512M", DevmapperOptions.POOL, "reflink");

    @Test
    void layersAreSnapshotsWithTheirOwnFilesystem(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Path home = fs.root().resolve("dm");
        try (DevmapperDriver d = DevmapperDriver.open(home, SMALL)) {
            d.create("L1", null, CreateOptions.DEFAULT);
            Path r1 = d.get("L1");
            assertEquals(Filesystems.EXT4_MAGIC, Filesystems.statfs(r1).magic());
            try (var s = Files.list(r1)) {
                assertEquals(List.of(), s.toList(), "a base layer starts empty (no lost+found)");
            }
            Files.writeString(r1.resolve("a"), "from L1");
            d.put("L1");
            assertFalse(MountInfo.isMountPoint(r1));
            assertEquals(List.of(), LoopDevice.attachedTo(((ReflinkPool) d.pool()).image("L1")), "put releases the device");

            d.createReadWrite("C1", "L1", CreateOptions.DEFAULT);
            List<MountSpec> specs = d.mounts("C1");
            assertEquals(1, specs.size());
            assertEquals("ext4", specs.get(0).type());
            assertTrue(specs.get(0).source().startsWith("/dev/loop"), specs.toString());
            Path c1 = d.get("C1");
            assertEquals("from L1", Files.readString(c1.resolve("a")));
            Files.writeString(c1.resolve("a"), "from C1");
            d.put("C1");
            assertEquals("from L1", Files.readString(d.get("L1").resolve("a")), "a child's write stays in the child");
            d.put("L1");

            assertThrows(DriverException.LayerInUseException.class, () -> d.remove("L1"));
            assertEquals("1", d.metadata("C1").get("deviceId").equals("0") ? "0" : "1");
            assertEquals("L1", d.metadata("C1").get("deviceOrigin"));
            d.remove("C1");
            d.remove("L1");
            assertEquals(List.of(BaseDevice.NAME), d.pool().list().stream().map(ThinDevice::name).toList());
            assertTrue(d.status().details().get("Pool").startsWith("reflink"), d.status().toString());
        }
        assertEquals(List.of(), LoopDevice.attachedTo(home.resolve("pool/devices/1.img")), "the base is not left active");
    }

    @Test
    void aFirstWriteIntoALargeLowerFileCopiesABlock(@Scratch(type = FsType.XFS, sizeMiB = 1024) ScratchFilesystem fs)
            throws Exception {
        try (DevmapperDriver d = DevmapperDriver.open(fs.root().resolve("dm"), Map.of(DevmapperOptions.FS, "xfs",
                DevmapperOptions.BASESIZE, "1G", DevmapperOptions.POOL, "reflink"))) {
            d.create("L1", null, CreateOptions.DEFAULT);
            byte[] chunk = new byte[(int) MiB];
            new java.util.Random(3).nextBytes(chunk);
            Path l1 = d.get("L1");
            try (RandomAccessFile f = new RandomAccessFile(l1.resolve("big").toFile(), "rw")) {
                for (int i = 0; i < 128; i++) f.write(chunk);
            } finally {
                d.put("L1");
            }
            d.createReadWrite("C1", "L1", CreateOptions.DEFAULT);
            Path c1 = d.get("C1");
            try (RandomAccessFile f = new RandomAccessFile(c1.resolve("big").toFile(), "rw")) {
                f.seek(100 * MiB);
                f.write(1);
                f.getFD().sync();
            } finally {
                d.put("C1");
            }
            long own = Extents.of(((ReflinkPool) d.pool()).image("C1")).stream()
                    .filter(e -> !e.shared()).mapToLong(Extents.Extent::length).sum();
            System.out.println("devmapper (xfs devices, xfs pool): C1 owns " + own + " bytes after a 1-byte write into a 128 MiB lower file");
            assertTrue(own > 0 && own <= 4 * MiB, "C1 owns " + own + " bytes");
            d.remove("C1");
            d.remove("L1");
        }
    }

    /**
     * An ephemeral layer's ext4 mounts without journal and flushes (as mountinfo shows it),
     * a durable one with both; one snapped while its parent was mounted carries a journal to
     * replay, which norecovery would refuse to mount, so it keeps its journal.
     */
    @Test
    void anEphemeralLayerMountsWithoutJournalAndFlushesADurableOneWithThem(@Scratch(type = FsType.XFS) ScratchFilesystem fs)
            throws Exception {
        try (DevmapperDriver d = DevmapperDriver.open(fs.root().resolve("dm"), SMALL)) {
            try {
                d.create("L1", null, CreateOptions.DEFAULT);
                Files.writeString(d.get("L1").resolve("a"), "from L1");
                d.put("L1");
                d.createReadWrite("E", "L1", CreateOptions.EPHEMERAL);
                d.createReadWrite("D", "L1", CreateOptions.DEFAULT);
                List<String> ephemeral = MountInfo.at(d.get("E")).orElseThrow().superOptions();
                List<String> durable = MountInfo.at(d.get("D")).orElseThrow().superOptions();
                assertTrue(ephemeral.containsAll(List.of("norecovery", "nobarrier")), ephemeral.toString());
                assertFalse(durable.contains("norecovery") || durable.contains("nobarrier"), durable.toString());
                assertTrue(d.mounts("E").get(0).options().containsAll(List.of("norecovery", "nobarrier")));
                Files.writeString(d.get("E").resolve("a"), "from E");
                d.put("E");
                d.put("E");
                d.put("D");
                assertEquals("from E", Files.readString(d.get("E").resolve("a")), "remounted without its writes");
                d.put("E");

                d.get("L1"); // mounted: its journal is live, and so is the snapshot's copy of it
                d.createReadWrite("E2", "L1", CreateOptions.EPHEMERAL);
                Path e2 = d.get("E2");
                List<String> replayed = MountInfo.at(e2).orElseThrow().superOptions();
                assertTrue(replayed.contains("nobarrier") && !replayed.contains("norecovery"), replayed.toString());
                assertEquals("from L1", Files.readString(e2.resolve("a")));
                d.put("E2");
                d.put("L1");
            } finally {
                d.cleanup();
            }
        }
    }

    @Test
    void aFullDeviceIsNoSpace(@Scratch(type = FsType.XFS, sizeMiB = 1024) ScratchFilesystem fs) throws Exception {
        try (DevmapperDriver d = DevmapperDriver.open(fs.root().resolve("dm"), SMALL)) {
            d.createReadWrite("C1", null, CreateOptions.DEFAULT);
            Path root = d.get("C1");
            try {
                byte[] chunk = new byte[(int) MiB];
                java.io.IOException e = assertThrows(java.io.IOException.class, () -> {
                    try (RandomAccessFile f = new RandomAccessFile(root.resolve("fill").toFile(), "rw")) {
                        for (int i = 0; i < 600; i++) f.write(chunk);
                    }
                });
                assertTrue(io.jstore.driver.support.Failures.isNoSpace(e), e.toString());
            } finally {
                d.put("C1");
            }
            assertThrows(DriverException.class, () -> d.create("big", null, CreateOptions.withSize(1L << 40)),
                    "a device cannot be larger than the base");
            d.remove("C1");
        }
    }

    @Test
    void openRemovesDevicesNoLayerNamesAndKeepsItsBase(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Path home = fs.root().resolve("dm");
        try (DevmapperDriver d = DevmapperDriver.open(home, SMALL)) {
            d.create("L1", null, CreateOptions.DEFAULT);
            // a crash between the snapshot and the record that would name it
            d.pool().snapshot("orphan", "L1");
        }
        try (DevmapperDriver d = DevmapperDriver.open(home, Map.of())) {
            assertEquals(List.of(BaseDevice.NAME, "L1"), d.pool().list().stream().map(ThinDevice::name).toList());
            assertTrue(d.exists("L1"));
            DriverException e = assertThrows(DriverException.class,
                    () -> DevmapperDriver.open(home, Map.of(DevmapperOptions.FS, "xfs")));
            assertTrue(e.getMessage().contains("hold ext4"), e.getMessage());
            d.remove("L1");
        }
    }

    @Test
    void probeSaysWhyNot(@Scratch(type = FsType.EXT4, sizeMiB = 64) ScratchFilesystem fs) {
        var p = new DevmapperDriverProvider().probe(fs.root().resolve("not/yet"));
        assertFalse(p.supported());
        assertTrue(p.reason().contains("is on ext4"), p.reason());
        assertTrue(p.reason().contains("/dev/mapper/control"), p.reason());
    }
}
