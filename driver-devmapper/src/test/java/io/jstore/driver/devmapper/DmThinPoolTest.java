package io.jstore.driver.devmapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dm-thin pool against the kernel's thin-pool target. This kernel has no device-mapper,
 * so these run inside the test VM ({@link DmThinVmTest} boots it) and skip here.
 */
class DmThinPoolTest {
    private static final long MiB = 1 << 20;

    @BeforeEach
    void needsDmThin() {
        Root.assumeRoot();
        Optional<String> why = DmThinPool.whyNot();
        if (why.isPresent()) {
            System.err.println("SKIPPED DmThinPoolTest: " + why.get() + "; DmThinVmTest runs it in a VM");
        }
        Assumptions.assumeTrue(why.isEmpty(), () -> why.get() + "; DmThinVmTest runs these in a VM");
    }

    private static DmThinPool open(Path dir) throws Exception {
        return DmThinPool.open(dir, 1024 * MiB, 64 * MiB);
    }

    @Test
    void snapshotsShareBlocksAndDivergeOnWrite(@Scratch(type = FsType.EXT4, sizeMiB = 2048) ScratchFilesystem fs)
            throws Exception {
        Path dir = fs.root().resolve("pool");
        DmThinPool pool = open(dir);
        try {
            pool.create("base", 256 * MiB);
            Path base = pool.activate("base");
            DeviceFilesystem.EXT4.make(base);
            byte[] chunk = new byte[(int) MiB];
            new java.util.Random(5).nextBytes(chunk);
            try (Mounted m = Mounted.mount(base, DeviceFilesystem.EXT4, fs.root().resolve("mnt/base"));
                 RandomAccessFile f = new RandomAccessFile(m.root().resolve("big").toFile(), "rw")) {
                for (int i = 0; i < 32; i++) f.write(chunk);
                f.getFD().sync();
            }
            // the origin stays active: the pool suspends it around the snapshot
            pool.snapshot("child", "base");
            pool.deactivate("base");
            long before = pool.usage().dataUsed();
            try (Mounted m = Mounted.mount(pool.activate("child"), DeviceFilesystem.EXT4, fs.root().resolve("mnt/child"));
                 RandomAccessFile f = new RandomAccessFile(m.root().resolve("big").toFile(), "rw")) {
                f.seek(20 * MiB + 7);
                f.write(~chunk[7]);
                f.getFD().sync();
            }
            long grown = pool.usage().dataUsed() - before;
            System.out.println("dm-thin: a 1-byte write into a 32 MiB lower file in a snapshot took " + grown
                    + " bytes of new pool data");
            assertTrue(grown > 0 && grown <= 2 * MiB, "pool data grew by " + grown);
            for (String dev : List.of("base", "child")) {
                try (Mounted m = Mounted.mount(pool.activate(dev), DeviceFilesystem.EXT4, fs.root().resolve("mnt/" + dev));
                     RandomAccessFile f = new RandomAccessFile(m.root().resolve("big").toFile(), "r")) {
                    f.seek(20 * MiB + 7);
                    assertEquals(dev.equals("child") ? (byte) ~chunk[7] : chunk[7], (byte) f.read(), dev);
                }
                pool.deactivate(dev);
            }
            assertThrows(PoolException.NoSuchDeviceException.class, () -> pool.snapshot("x", "nothing"));
            pool.delete("child");
            pool.delete("base");
            assertEquals(List.of(), pool.list());
            assertEquals(pool.transactionId(), pool.poolTransactionId(), "the kernel and jstore agree");
            assertEquals(4, pool.transactionId());
        } finally {
            shutdown(pool);
        }
        thinCheck(dir.resolve("metadata.img"));
    }

    @Test
    void devicesAndDataSurviveThePoolGoingAway(@Scratch(type = FsType.EXT4, sizeMiB = 2048) ScratchFilesystem fs)
            throws Exception {
        Path dir = fs.root().resolve("pool");
        DmThinPool pool = open(dir);
        try {
            pool.create("d", 64 * MiB);
            Path dev = pool.activate("d");
            try (RandomAccessFile f = new RandomAccessFile(dev.toFile(), "rw")) {
                f.seek(3 * MiB);
                f.write("kept".getBytes());
                f.getFD().sync();
            }
            pool.deactivate("d");
            assertThrows(PoolException.DeviceExistsException.class, () -> pool.create("d", MiB));
        } finally {
            shutdown(pool);
        }
        DmThinPool again = open(dir);
        try {
            assertEquals(List.of(new ThinDevice("d", 1, 64 * MiB, null)), again.list());
            byte[] got = new byte[4];
            try (RandomAccessFile f = new RandomAccessFile(again.activate("d").toFile(), "r")) {
                f.seek(3 * MiB);
                f.readFully(got);
            }
            assertEquals("kept", new String(got));
            again.deactivate("d");
            again.activate("d");
            assertThrows(PoolException.DeviceActiveException.class, () -> again.delete("d"));
            again.deactivate("d");
            again.delete("d");
        } finally {
            shutdown(again);
        }
    }

    @Test
    void aCrashAnywhereInAChangeIsRepairedOnOpen(@Scratch(type = FsType.EXT4, sizeMiB = 2048) ScratchFilesystem fs)
            throws Exception {
        Path dir = fs.root().resolve("pool");
        try {
            for (String point : List.of("pending", "message", "transaction")) {
                long tx = open(dir).transactionId();
                assertThrows(Crash.class, () -> crashingAt(dir, point).create("new-" + point, 64 * MiB));
                DmThinPool reopened = open(dir);
                boolean tookEffect = point.equals("transaction");
                assertEquals(tookEffect, reopened.device("new-" + point).isPresent(), point);
                assertEquals(tookEffect ? tx + 1 : tx, reopened.transactionId(), point);
                assertEquals(reopened.transactionId(), reopened.poolTransactionId(), point + ": kernel and jstore agree");

                reopened.create("victim-" + point, 64 * MiB);
                assertThrows(Crash.class, () -> crashingAt(dir, point).delete("victim-" + point));
                DmThinPool again = open(dir);
                assertTrue(again.device("victim-" + point).isEmpty(), point + ": a delete in flight is finished");
                assertEquals(again.transactionId(), again.poolTransactionId(), point + ": kernel and jstore agree");
                // the device id of a rolled-back create is never handed out again
                ThinDevice next = again.create("after-" + point, 64 * MiB);
                assertEquals(List.of(), again.list().stream()
                        .filter(d -> d.id() == next.id() && !d.name().equals(next.name())).toList());
            }
        } finally {
            shutdown(open(dir));
        }
        thinCheck(dir.resolve("metadata.img"));
    }

    private static DmThinPool crashingAt(Path dir, String point) throws Exception {
        return DmThinPool.open(dir, 1024 * MiB, 64 * MiB, p -> {
            if (p.equals(point)) throw new Crash(p);
        });
    }

    private static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;
        Crash(String point) {
            super("crash at " + point);
        }
    }

    private static void shutdown(DmThinPool pool) throws Exception {
        for (ThinDevice d : pool.list()) pool.deactivate(d.name());
        pool.deactivatePool();
        pool.close();
    }

    /** The kernel's metadata is consistent by thin-provisioning-tools' own check, where installed. */
    private static void thinCheck(Path metadata) throws Exception {
        Optional<Path> tool = Root.tool("thin_check");
        if (tool.isEmpty()) return;
        Process p = new ProcessBuilder(tool.get().toString(), metadata.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "thin_check " + metadata + ": " + out);
        assertFalse(out.contains("error"), out);
    }
}
