package io.jstore.driver.devmapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.LoopDevice;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReflinkPoolTest {
    private static final long MiB = 1 << 20;

    @Test
    void devicesSurviveReopenOnXfs(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        lifecycle(fs.root().resolve("pool"));
    }

    @Test
    void devicesSurviveReopenOnBtrfs(@Scratch(type = FsType.BTRFS, sizeMiB = 256) ScratchFilesystem fs) throws Exception {
        lifecycle(fs.root().resolve("pool"));
    }

    private static void lifecycle(Path dir) throws Exception {
        ThinDevice base;
        ThinDevice child;
        try (ReflinkPool pool = ReflinkPool.open(dir)) {
            assertEquals(0, pool.transactionId());
            base = pool.create("base", 256 * MiB);
            child = pool.snapshot("child", "base");
            assertEquals(new ThinDevice("base", 1, 256 * MiB, null), base);
            assertEquals(new ThinDevice("child", 2, 256 * MiB, "base"), child);
            assertEquals(2, pool.transactionId());
            assertThrows(PoolException.DeviceExistsException.class, () -> pool.create("base", MiB));
            assertThrows(PoolException.NoSuchDeviceException.class, () -> pool.snapshot("x", "nothing"));
            assertThrows(IllegalArgumentException.class, () -> pool.create("odd", 1000));
            assertEquals(2, pool.transactionId(), "refused operations commit nothing");
            assertEquals(256 * MiB, Files.size(pool.image("child")));
        }
        try (ReflinkPool pool = ReflinkPool.open(dir)) {
            assertEquals(List.of(), pool.repairs());
            assertEquals(List.of(base, child), pool.list());
            Path img = pool.image("child");
            pool.delete("child");
            assertFalse(Files.exists(img));
            assertEquals(3, pool.transactionId());
            assertEquals(new ThinDevice("again", 3, MiB, null), pool.create("again", MiB), "ids are never reused");
            assertTrue(pool.usage().dataUsed() > 0);
            assertTrue(pool.usage().metadataUsed() > 0);
        }
        try (ReflinkPool pool = ReflinkPool.open(dir)) {
            assertEquals(List.of("again", "base"), pool.list().stream().map(ThinDevice::name).toList());
        }
    }

    /** An ephemeral device (committed without the directory syncs) is recorded as one, found again and deleted like any. */
    @Test
    void anEphemeralSnapshotIsRecordedAndDeletedLikeAnyOther(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs)
            throws Exception {
        Path dir = fs.root().resolve("pool");
        try (ReflinkPool pool = ReflinkPool.open(dir)) {
            pool.create("base", 64 * MiB);
            assertEquals(new ThinDevice("tmp", 2, 64 * MiB, "base", true), pool.snapshot("tmp", "base", true));
        }
        try (ReflinkPool pool = ReflinkPool.open(dir)) {
            assertEquals(List.of(), pool.repairs());
            assertTrue(pool.device("tmp").orElseThrow().ephemeral());
            assertFalse(pool.device("base").orElseThrow().ephemeral());
            Path img = pool.image("tmp");
            pool.delete("tmp");
            assertFalse(Files.exists(img));
        }
        try (ReflinkPool pool = ReflinkPool.open(dir)) {
            assertEquals(List.of("base"), pool.list().stream().map(ThinDevice::name).toList());
        }
    }

    @Test
    void aWriteIntoASnapshotCopiesABlockOnXfsWithExt4(@Scratch(type = FsType.XFS, sizeMiB = 768) ScratchFilesystem fs)
            throws Exception {
        BlockCopyOnWrite.measure(fs.root(), DeviceFilesystem.EXT4);
    }

    @Test
    void aWriteIntoASnapshotCopiesABlockOnBtrfsWithXfs(@Scratch(type = FsType.BTRFS, sizeMiB = 768) ScratchFilesystem fs)
            throws Exception {
        BlockCopyOnWrite.measure(fs.root(), DeviceFilesystem.XFS);
    }

    @Test
    void openRepairsWhatACrashLeft(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Path dir = fs.root().resolve("pool");
        Path gone;
        try (ReflinkPool pool = ReflinkPool.open(dir)) {
            pool.create("base", MiB);
            pool.create("lost", MiB);
            gone = pool.image("lost");
        }
        // an image made but never committed, a commit never renamed, an image deleted behind the pool's back
        Path orphan = Files.write(dir.resolve("devices/77.img"), new byte[4096]);
        Files.writeString(dir.resolve("pool.json.tmp"), "{\"trunc");
        Files.delete(gone);
        try (ReflinkPool pool = ReflinkPool.open(dir)) {
            assertEquals(3, pool.repairs().size(), pool.repairs().toString());
            assertFalse(Files.exists(orphan));
            assertFalse(Files.exists(dir.resolve("pool.json.tmp")));
            assertEquals(List.of("base"), pool.list().stream().map(ThinDevice::name).toList());
            assertEquals(3, pool.transactionId());
        }
        try (ReflinkPool pool = ReflinkPool.open(dir)) {
            assertEquals(List.of(), pool.repairs(), "a repaired pool is clean");
        }
    }

    @Test
    void activationIsSharedAndBlocksDelete(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Path dir = fs.root().resolve("pool");
        try (ReflinkPool pool = ReflinkPool.open(dir); ReflinkPool other = ReflinkPool.open(dir)) {
            pool.create("d", 64 * MiB);
            Path image = pool.image("d");
            assertTrue(pool.activePath("d").isEmpty());
            Path dev = pool.activate("d");
            try {
                assertEquals(dev, pool.activate("d"));
                assertEquals(dev, other.activate("d"), "a second opener reuses the binding");
                assertEquals(1, LoopDevice.attachedTo(image).size());
                assertEquals(dev, other.activePath("d").orElseThrow());
                assertThrows(PoolException.DeviceActiveException.class, () -> other.delete("d"));
                // autoclear: the binding lasts while anyone holds the device open
                other.deactivate("d");
                assertEquals(List.of(dev), LoopDevice.attachedTo(image).stream().map(n -> Path.of("/dev/loop" + n)).toList());
            } finally {
                pool.deactivate("d");
            }
            assertTrue(LoopDevice.attachedTo(image).isEmpty(), "the last holder's deactivate unbinds it");
            assertTrue(pool.activePath("d").isEmpty());
            pool.delete("d");
            assertTrue(pool.list().isEmpty());
        }
    }

    /**
     * The benchmarks' rare EIO from get: a binding found in use (the device still held by a
     * copy of its mount in another namespace) was returned without being held, and when that
     * holder let go, autoclear unbound the device before the mount read its superblock.
     */
    @Test
    void aReusedBindingStaysWhenItsFirstHolderLetsGo(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        try (ReflinkPool pool = ReflinkPool.open(fs.root().resolve("pool"))) {
            pool.create("d", 64 * MiB);
            Path image = pool.image("d");
            try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
                f.write("superblock".getBytes(StandardCharsets.US_ASCII));
            }
            LoopDevice firstHolder = LoopDevice.attach(image, false, true, 4096);
            Path dev;
            try {
                dev = pool.activate("d");
                assertEquals(firstHolder.path(), dev, "an image bound already is not bound twice");
            } finally {
                firstHolder.close();
            }
            try {
                assertEquals(List.of(firstHolder.number()), LoopDevice.boundTo(image),
                        "the activation holds the binding it reused");
                byte[] head = new byte[10];
                try (RandomAccessFile f = new RandomAccessFile(dev.toFile(), "r")) {
                    f.readFully(head);
                }
                assertEquals("superblock", new String(head, StandardCharsets.US_ASCII));
            } finally {
                pool.deactivate("d");
            }
            assertEquals(List.of(), LoopDevice.attachedTo(image), "the last holder's deactivate unbinds it");
        }
    }

    @Test
    void refusesAFilesystemThatCannotClone(@Scratch(type = FsType.EXT4, sizeMiB = 64) ScratchFilesystem fs) {
        PoolException e = assertThrows(PoolException.UnsupportedException.class,
                () -> ReflinkPool.open(fs.root().resolve("pool")));
        assertTrue(e.getMessage().contains("is on ext4"), e.getMessage());
        assertTrue(ReflinkPool.whyNot(fs.root()).orElseThrow().contains("xfs with reflink=1 or btrfs"));
    }
}
