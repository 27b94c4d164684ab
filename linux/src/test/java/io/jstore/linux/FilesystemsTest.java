package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FilesystemsTest {
    private static List<Path> entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    /** Probes and checks the probe leaves nothing behind. */
    private static Filesystems.Features probe(ScratchFilesystem fs) throws Exception {
        List<Path> before = entries(fs.root());
        Filesystems.Features f = Filesystems.probe(fs.root());
        assertEquals(before, entries(fs.root()), "probe removed its temp files");
        return f;
    }

    @Test
    void ext4(@Scratch(type = FsType.EXT4) ScratchFilesystem fs) throws Exception {
        assertEquals(new Filesystems.Features("ext4", Filesystems.EXT4_MAGIC, true, false, true), probe(fs));
        Filesystems.StatFs s = Filesystems.statfs(fs.root());
        assertEquals(4096, s.blockSize());
        assertEquals(512L << 20, s.blocks() * s.blockSize(), 64L << 20); // minus metadata
        assertTrue(s.blocksAvailable() <= s.blocksFree() && s.blocksFree() <= s.blocks());
        assertTrue(s.files() > 0 && s.filesFree() <= s.files());
    }

    @Test
    void ext4WithoutFiletypeHasNoDType(@Scratch(type = FsType.EXT4_NOFTYPE, sizeMiB = 64) ScratchFilesystem fs)
            throws Exception {
        Filesystems.Features f = probe(fs);
        assertEquals("ext4", f.type());
        assertFalse(f.dType(), f.toString());
    }

    @Test
    void xfsWithReflink(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        assertEquals(new Filesystems.Features("xfs", Filesystems.XFS_MAGIC, true, true, true), probe(fs));
    }

    @Test
    void xfsWithoutFtype(@Scratch(type = FsType.XFS_NOFTYPE) ScratchFilesystem fs) throws Exception {
        // only where the kernel still mounts xfs V4; skipped (with the reason) elsewhere
        Filesystems.Features f = probe(fs);
        assertEquals("xfs", f.type());
        assertFalse(f.dType());
    }

    @Test
    void btrfs(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        assertEquals(new Filesystems.Features("btrfs", Filesystems.BTRFS_MAGIC, true, true, true), probe(fs));
    }

    @Test
    void tmpfs(@Scratch(type = FsType.TMPFS, sizeMiB = 16) ScratchFilesystem fs) throws Exception {
        assertEquals(new Filesystems.Features("tmpfs", Filesystems.TMPFS_MAGIC, true, false, true), probe(fs));
        assertEquals((16L << 20) / Filesystems.statfs(fs.root()).blockSize(), Filesystems.statfs(fs.root()).blocks());
    }

    @Test
    void statfsOfOtherKernelFilesystems() throws Exception {
        assertEquals("proc", Filesystems.statfs(Path.of("/proc/self")).type());
        assertEquals("sysfs", Filesystems.statfs(Path.of("/sys/block")).type());
        assertEquals("0x1234abcd", Filesystems.typeName(0x1234abcdL));
        SyscallException e = assertThrows(SyscallException.NotFoundException.class,
                () -> Filesystems.statfs(Path.of("/var/tmp/jstore-none/x")));
        assertEquals("statfs(/var/tmp/jstore-none/x): ENOENT (No such file or directory)", e.getMessage());
    }

    @Test
    void syncfsFlushes(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Path f = Files.write(fs.root().resolve("dirty"), new byte[1 << 20]);
        Filesystems.syncfs(fs.root());
        // after the flush the extent is allocated, not delayed
        Extents.Extent e = Extents.of(f).get(0);
        assertEquals(0, e.flags() & Extents.FIEMAP_EXTENT_DELALLOC, e.toString());
        assertThrows(SyscallException.NotFoundException.class, () -> Filesystems.syncfs(fs.root().resolve("none")));
    }
}
