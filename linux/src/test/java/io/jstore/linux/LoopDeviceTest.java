package io.jstore.linux;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoopDeviceTest {
    @BeforeEach
    void root() {
        Root.assumeRoot();
    }

    private static Path image(ScratchFilesystem fs, String name, long size) throws Exception {
        Path p = fs.root().resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    @Test
    void attachesReportsAndDetaches(@Scratch(type = FsType.TMPFS, sizeMiB = 64) ScratchFilesystem fs) throws Exception {
        Path img = image(fs, "disk.img", 8 << 20);
        int number;
        try (LoopDevice loop = LoopDevice.attach(img, false, false)) {
            number = loop.number();
            assertEquals(Path.of("/dev/loop" + number), loop.path());
            assertTrue(Files.exists(loop.path()));
            assertEquals(img, loop.backingFile());
            assertEquals(img, LoopDevice.backingFileOf(number).orElseThrow());
            assertEquals(List.of(number), LoopDevice.attachedTo(img));
            LoopDevice.Status status = loop.status();
            assertTrue(status.autoclear(), "autoclear set: " + status);
            assertFalse(status.readOnly(), status.toString());
            long sectors = Long.parseLong(Files.readString(Path.of("/sys/block/loop" + number + "/size")).strip());
            assertEquals(8L << 20, sectors * 512);
            loop.close();
            loop.close(); // idempotent
        }
        assertTrue(LoopDevice.backingFileOf(number).isEmpty(), "unbound after close");
        assertFalse(Files.exists(Path.of("/sys/block/loop" + number + "/loop")), "no loop/ in sysfs after detach");
        assertTrue(LoopDevice.attachedTo(img).isEmpty());
    }

    @Test
    void aBindingOfADeletedFileIsNotBoundToTheNewFileOfItsName(@Scratch(type = FsType.TMPFS, sizeMiB = 64)
            ScratchFilesystem fs) throws Exception {
        Path img = image(fs, "disk.img", 8 << 20);
        try (LoopDevice old = LoopDevice.attach(img, false, false)) {
            Files.delete(img);
            image(fs, "disk.img", 8 << 20);
            assertEquals(List.of(old.number()), LoopDevice.attachedTo(img), "attachedTo names deleted bindings too");
            assertEquals(List.of(), LoopDevice.boundTo(img), "the file at the name now is bound to nothing");
            try (LoopDevice now = LoopDevice.attach(img, false, false)) {
                assertEquals(List.of(now.number()), LoopDevice.boundTo(img));
            }
        }
    }

    @Test
    void readOnlyAndDirectIo(@Scratch(type = FsType.EXT4, sizeMiB = 64) ScratchFilesystem fs) throws Exception {
        Path img = image(fs, "ro.img", 4 << 20);
        try (LoopDevice loop = LoopDevice.attach(img, true, true)) {
            LoopDevice.Status status = loop.status();
            assertTrue(status.readOnly(), status.toString());
            assertEquals("1", Files.readString(Path.of("/sys/block/loop" + loop.number() + "/ro")).strip());
            // ext4 can do direct I/O for a 512-byte-aligned loop device
            assertTrue(status.directIo(), status.toString());
            assertEquals("1", Files.readString(Path.of("/sys/block/loop" + loop.number() + "/loop/dio")).strip());
        }
    }

    @Test
    void blockSizeIsWhatWasAsked(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Path img = image(fs, "disk.img", 8 << 20);
        for (int size : new int[] {512, 4096}) {
            try (LoopDevice loop = LoopDevice.attach(img, false, true, size)) {
                Path sys = Path.of("/sys/block/loop" + loop.number() + "/queue/logical_block_size");
                assertEquals(Integer.toString(size), Files.readString(sys).strip());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> LoopDevice.attach(img, false, false, 1000));
    }

    @Test
    void detachByNumberLeavesOtherFilesAlone(@Scratch(type = FsType.TMPFS, sizeMiB = 64) ScratchFilesystem fs)
            throws Exception {
        Path a = image(fs, "a.img", 1 << 20);
        Path b = image(fs, "b.img", 1 << 20);
        try (LoopDevice la = LoopDevice.attach(a, false, false)) {
            assertFalse(LoopDevice.detach(la.number(), b), "bound to a, not b");
            assertEquals(a, LoopDevice.backingFileOf(la.number()).orElseThrow());
            assertTrue(LoopDevice.detach(la.number(), a));
            // we still hold it open: the kernel unbinds on our close (autoclear)
        }
        assertTrue(LoopDevice.attachedTo(a).isEmpty());
    }

    @Test
    void concurrentAttachesGetDistinctDevices(@Scratch(type = FsType.TMPFS, sizeMiB = 64) ScratchFilesystem fs)
            throws Exception {
        // threads race for the same LOOP_CTL_GET_FREE number; the losers retry on EBUSY
        int threads = 4;
        int each = 4;
        List<LoopDevice> all = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(threads);
        java.util.concurrent.CyclicBarrier start = new CyclicBarrier(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) all.add(LoopDevice.attach(image(fs, id + "-" + i, 1 << 20), false, false));
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
            assertEquals(threads * each, all.stream().map(LoopDevice::number).distinct().count());
            for (LoopDevice l : all) assertEquals(l.backingFile(), LoopDevice.backingFileOf(l.number()).orElseThrow());
        } finally {
            pool.shutdown();
            for (LoopDevice l : all) l.close();
        }
        for (LoopDevice l : all) assertTrue(LoopDevice.attachedTo(l.backingFile()).isEmpty());
    }

    @Test
    void attachMissingFileNamesIt() {
        Path missing = Path.of("/var/tmp/jstore-no-such-image");
        SyscallException e = assertThrows(SyscallException.NotFoundException.class,
                () -> LoopDevice.attach(missing, false, false));
        assertEquals("open(/var/tmp/jstore-no-such-image): ENOENT (No such file or directory)", e.getMessage());
    }
}
