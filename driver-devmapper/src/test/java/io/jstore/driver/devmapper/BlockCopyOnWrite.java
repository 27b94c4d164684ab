package io.jstore.driver.devmapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.Extents;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The devicemapper promise, measured in allocated extents rather than time: after a 1-byte
 * write into a large lower file inside a snapshot, the snapshot owns a few blocks of its own
 * and shares everything else with its origin.
 */
final class BlockCopyOnWrite {
    private BlockCopyOnWrite() {}

    private static final long MiB = 1 << 20;
    private static final int FILE_MiB = 64;

    static void measure(Path root, DeviceFilesystem dfs) throws Exception {
        byte[] chunk = new byte[(int) MiB];
        new Random(1).nextBytes(chunk);
        long at = 32 * MiB + 123;
        try (ReflinkPool pool = ReflinkPool.open(root.resolve("pool"))) {
            pool.create("base", 1024 * MiB);
            try {
                dfs.make(pool.activate("base"));
                try (Mounted m = Mounted.mount(pool.activate("base"), dfs, root.resolve("mnt/base"));
                     RandomAccessFile f = new RandomAccessFile(m.root().resolve("big").toFile(), "rw")) {
                    for (int i = 0; i < FILE_MiB; i++) f.write(chunk);
                    f.getFD().sync();
                }
            } finally {
                pool.deactivate("base");
            }
            pool.snapshot("child", "base");
            long ownBefore = unshared(Extents.of(pool.image("child")));
            try (Mounted m = Mounted.mount(pool.activate("child"), dfs, root.resolve("mnt/child"));
                 RandomAccessFile f = new RandomAccessFile(m.root().resolve("big").toFile(), "rw")) {
                f.seek(at);
                f.write(0x5a ^ chunk[(int) (at % MiB)]);
                f.getFD().sync();
            } finally {
                pool.deactivate("child");
            }
            List<Extents.Extent> child = Extents.of(pool.image("child"));
            long own = unshared(child);
            long shared = child.stream().filter(Extents.Extent::shared).mapToLong(Extents.Extent::length).sum();
            System.out.printf("block CoW (%s in %s pool): snapshot owns %d bytes before, %d after a 1-byte write;"
                    + " %d bytes still shared%n", dfs.type(), root, ownBefore, own, shared);
            assertEquals(0, ownBefore, "a fresh snapshot shares every block");
            assertTrue(own > 0, "the write went somewhere of the snapshot's own");
            // the block written, the inode, and journal/log blocks: nowhere near the 64 MiB file
            assertTrue(own <= 4 * MiB, "snapshot owns " + own + " bytes after a 1-byte write");
            assertTrue(shared >= FILE_MiB * MiB, "the rest of the file stays shared: " + shared);

            for (String dev : List.of("base", "child")) {
                try (Mounted m = Mounted.mount(pool.activate(dev), dfs, root.resolve("mnt/" + dev));
                     RandomAccessFile f = new RandomAccessFile(m.root().resolve("big").toFile(), "r")) {
                    f.seek(at);
                    int want = chunk[(int) (at % MiB)] ^ (dev.equals("child") ? 0x5a : 0);
                    assertEquals((byte) want, (byte) f.read(), dev + " sees its own byte");
                } finally {
                    pool.deactivate(dev);
                }
            }
        }
    }

    private static long unshared(List<Extents.Extent> extents) {
        return extents.stream().filter(e -> !e.shared()).mapToLong(Extents.Extent::length).sum();
    }
}
