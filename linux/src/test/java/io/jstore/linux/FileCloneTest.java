package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FileCloneTest {
    private static final int MiB = 1 << 20;

    /** 4 MiB with data at [0, 64 KiB) and [2 MiB, 2 MiB + 64 KiB), holes elsewhere. */
    private static byte[] sparse(Path p) throws Exception {
        byte[] data = new byte[64 << 10];
        new Random(42).nextBytes(data);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write(data);
            f.seek(2 * MiB);
            f.write(data);
            f.setLength(4 * MiB);
        }
        return data;
    }

    @Test
    void ficloneSharesExtentsOnXfs(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Path src = fs.root().resolve("src");
        Path dst = fs.root().resolve("dst");
        byte[] data = new byte[MiB];
        new Random(7).nextBytes(data);
        Files.write(src, data);
        List<Extents.Extent> before = Extents.of(src);
        assertFalse(before.isEmpty());
        assertTrue(before.stream().noneMatch(Extents.Extent::shared), before.toString());
        assertTrue(before.get(before.size() - 1).last());

        try (Fd in = Fd.open(src, Fd.O_RDONLY); Fd out = Fd.open(dst, Fd.O_WRONLY | Fd.O_CREAT, 0644)) {
            FileClone.clone(in, out);
        }
        assertArrayEquals(data, Files.readAllBytes(dst));
        List<Extents.Extent> a = Extents.of(src);
        List<Extents.Extent> b = Extents.of(dst);
        assertTrue(a.stream().allMatch(Extents.Extent::shared), a.toString());
        assertTrue(b.stream().allMatch(Extents.Extent::shared), b.toString());
        assertEquals(a.stream().map(Extents.Extent::physical).toList(), b.stream().map(Extents.Extent::physical).toList());
        assertEquals(MiB, b.stream().mapToLong(Extents.Extent::length).sum());

        // a write into the clone unshares what it touches (copy on write)
        try (RandomAccessFile f = new RandomAccessFile(dst.toFile(), "rw")) {
            f.write(new byte[4096]);
        }
        assertFalse(Extents.of(dst).get(0).shared(), Extents.of(dst).toString());
        assertArrayEquals(data, Files.readAllBytes(src));
    }

    @Test
    void ficloneRefusedOnExt4IsNotSupported(@Scratch(type = FsType.EXT4, sizeMiB = 64) ScratchFilesystem fs)
            throws Exception {
        Path src = Files.writeString(fs.root().resolve("src"), "x".repeat(4096));
        try (Fd in = Fd.open(src, Fd.O_RDONLY);
             Fd out = Fd.open(fs.root().resolve("dst"), Fd.O_WRONLY | Fd.O_CREAT, 0644)) {
            SyscallException e = assertThrows(SyscallException.NotSupportedException.class, () -> FileClone.clone(in, out));
            assertTrue(e.getMessage().startsWith("ioctl(FICLONE)(" + src + " -> "), e.getMessage());
        }
    }

    @Test
    void copyKeepsASparseFileSparse(@Scratch(type = FsType.EXT4, sizeMiB = 64) ScratchFilesystem fs) throws Exception {
        Path src = fs.root().resolve("sparse");
        Path dst = fs.root().resolve("copy");
        sparse(src);
        try (Fd in = Fd.open(src, Fd.O_RDONLY)) {
            List<long[]> segs = FileClone.dataSegments(in, 4 * MiB);
            assertEquals(2, segs.size());
            assertArrayEquals(new long[] {0, 64 << 10}, segs.get(0));
            assertArrayEquals(new long[] {2 * MiB, 2 * MiB + (64 << 10)}, segs.get(1));
        }
        assertFalse(FileClone.copy(src, dst, 0644), "ext4 cannot clone: a kernel copy");
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dst));
        FileStat s = FileStat.of(dst);
        assertEquals(4 * MiB, s.size());
        assertEquals(0644, s.permissions());
        // 128 KiB of data is 256 sectors; a dense copy would be 8192
        assertTrue(s.blocks() <= 300, "copy stays sparse, blocks=" + s.blocks());
        try (Fd out = Fd.open(dst, Fd.O_RDONLY)) {
            assertEquals(2, FileClone.dataSegments(out, 4 * MiB).size());
        }
        assertEquals(2, Extents.of(dst).size());
    }

    @Test
    void copyRangeCopiesBytesAndStopsAtEnd(@Scratch(type = FsType.TMPFS, sizeMiB = 16) ScratchFilesystem fs)
            throws Exception {
        Path src = Files.writeString(fs.root().resolve("a"), "0123456789");
        Path dst = fs.root().resolve("b");
        try (Fd in = Fd.open(src, Fd.O_RDONLY); Fd out = Fd.open(dst, Fd.O_WRONLY | Fd.O_CREAT, 0600)) {
            FileClone.seek(in, 3);
            assertEquals(7, FileClone.copyRange(in, out, 100));
        }
        assertEquals("3456789", Files.readString(dst));
    }

    @Test
    void copyBetweenFilesystemsOfDifferentTypes(@Scratch(type = FsType.EXT4, sizeMiB = 64) ScratchFilesystem ext4,
            @Scratch(type = FsType.TMPFS, sizeMiB = 64) ScratchFilesystem tmpfs) throws Exception {
        Path src = ext4.root().resolve("sparse");
        sparse(src);
        Path dst = tmpfs.root().resolve("copy");
        assertFalse(FileClone.copy(src, dst, 0600), "no clone across filesystems");
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dst));
    }

    @Test
    void copyOnXfsIsAClone(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Path src = fs.root().resolve("sparse");
        sparse(src);
        Path dst = fs.root().resolve("clone");
        assertTrue(FileClone.copy(src, dst, 0600));
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dst));
        assertTrue(Extents.of(dst).stream().allMatch(Extents.Extent::shared));
        try (Fd out = Fd.open(dst, Fd.O_RDONLY)) {
            assertEquals(2, FileClone.dataSegments(out, 4 * MiB).size(), "holes stay holes in a clone");
        }
    }
}
