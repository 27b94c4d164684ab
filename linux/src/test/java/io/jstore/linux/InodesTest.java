package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InodesTest {
    @Test
    void whiteoutAndOtherSpecialFiles(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Path wh = fs.root().resolve("wh");
        Inodes.whiteout(wh);
        FileStat s = FileStat.of(wh);
        assertTrue(s.isCharDevice());
        assertTrue(s.isWhiteout());
        assertEquals(0, s.rdevMajor());
        assertEquals(0, s.rdevMinor());

        Path nul = fs.root().resolve("null");
        Inodes.mknod(nul, FileStat.S_IFCHR, 0666, 1, 3);
        FileStat n = FileStat.of(nul);
        assertTrue(n.isCharDevice());
        assertFalse(n.isWhiteout());
        assertEquals(1, n.rdevMajor());
        assertEquals(3, n.rdevMinor());

        Path blk = fs.root().resolve("blk");
        Inodes.mknod(blk, FileStat.S_IFBLK, 0600, 259, 70000); // minor beyond 8 bits
        FileStat b = FileStat.of(blk);
        assertTrue(b.isBlockDevice());
        assertEquals(259, b.rdevMajor());
        assertEquals(70000, b.rdevMinor());

        Path fifo = fs.root().resolve("fifo");
        Inodes.mknod(fifo, FileStat.S_IFIFO, 0640, 0, 0);
        assertTrue(FileStat.of(fifo).isFifo());
        assertEquals(0640, FileStat.of(fifo).permissions());

        SyscallException e = assertThrows(SyscallException.ExistsException.class, () -> Inodes.whiteout(wh));
        assertEquals("mknod(" + wh + "): EEXIST (File exists)", e.getMessage());
        assertNull(FileStat.ofOrNull(fs.root().resolve("absent")));
    }

    @Test
    void ownershipAndModeOnTheLinkItself(@Scratch(type = FsType.EXT4, sizeMiB = 64) ScratchFilesystem fs)
            throws Exception {
        Path target = Files.writeString(fs.root().resolve("t"), "t");
        Path link = Files.createSymbolicLink(fs.root().resolve("l"), target);
        Inodes.lchown(link, 1234, 5678);
        assertEquals(1234, FileStat.of(link).uid());
        assertEquals(5678, FileStat.of(link).gid());
        assertEquals(0, FileStat.of(target).uid(), "target untouched");

        Inodes.chmod(target, 07755);
        assertEquals(07755, FileStat.of(target).permissions());
    }

    @Test
    void nanosecondTimesOnASymlinkWithoutFollowing(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Path target = Files.writeString(fs.root().resolve("t"), "t");
        Path link = Files.createSymbolicLink(fs.root().resolve("l"), target);
        long targetMtime = FileStat.of(target).mtimeNanos();
        long atime = 1_500_000_000_123_456_789L;
        long mtime = -1_234_567_891L; // before the epoch: floor division of the seconds
        Inodes.setTimes(link, atime, mtime);
        FileStat s = FileStat.of(link);
        assertTrue(s.isSymlink());
        assertEquals(atime, s.atimeNanos());
        assertEquals(mtime, s.mtimeNanos());
        assertEquals(targetMtime, FileStat.of(target).mtimeNanos());
    }

    @Test
    void renameNoReplaceAndExchange(@Scratch(type = FsType.TMPFS, sizeMiB = 8) ScratchFilesystem fs) throws Exception {
        Path a = Files.writeString(fs.root().resolve("a"), "A");
        Path b = Files.writeString(fs.root().resolve("b"), "B");
        SyscallException e = assertThrows(SyscallException.ExistsException.class,
                () -> Inodes.rename(a, b, Inodes.RENAME_NOREPLACE));
        assertEquals("renameat2(" + a + " -> " + b + "): EEXIST (File exists)", e.getMessage());
        assertEquals("B", Files.readString(b), "nothing replaced");

        Inodes.rename(a, b, Inodes.RENAME_EXCHANGE);
        assertEquals("B", Files.readString(a));
        assertEquals("A", Files.readString(b));

        Path c = fs.root().resolve("c");
        Inodes.rename(a, c, Inodes.RENAME_NOREPLACE);
        assertFalse(Files.exists(a));
        assertEquals("B", Files.readString(c));
        assertThrows(SyscallException.NotFoundException.class, () -> Inodes.rename(a, c, Inodes.RENAME_EXCHANGE));
    }
}
