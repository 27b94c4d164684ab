package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BtrfsTest {

    @Test
    void subvolumesAreCreatedAndKnownByIdAndInfo(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        Path a = fs.root().resolve("a");
        Path ro = fs.root().resolve("ro");
        assertTrue(Btrfs.isSubvolume(fs.root()));
        assertEquals(Btrfs.TOP_LEVEL_ID, Btrfs.subvolumeId(fs.root()));
        Btrfs.createSubvolume(a);
        Btrfs.createSubvolume(ro, true);
        Files.createDirectory(fs.root().resolve("plain"));
        assertTrue(Btrfs.isSubvolume(a));
        assertFalse(Btrfs.isSubvolume(fs.root().resolve("plain")));
        long id = Btrfs.subvolumeId(a);
        assertTrue(id >= 256, "subvolume ids start at 256: " + id);
        assertNotEquals(id, Btrfs.subvolumeId(ro));
        assertFalse(Btrfs.isReadOnly(a));
        assertTrue(Btrfs.isReadOnly(ro));
        assertThrows(FileSystemException.class, () -> Files.writeString(ro.resolve("x"), "x"));

        BtrfsSubvolumes.Info info = BtrfsSubvolumes.info(a);
        assertEquals(id, info.id());
        assertEquals("a", info.name());
        assertEquals(Btrfs.TOP_LEVEL_ID, info.parentTree());
        assertEquals(Btrfs.SUBVOLUME_ROOT_INODE, info.dirInode());
        assertNull(info.parentUuid(), "a plain subvolume is no snapshot");
        assertFalse(info.readOnly());
        assertTrue(info.createdTransid() > 0 && info.generation() >= info.createdTransid(), info.toString());
        assertTrue(BtrfsSubvolumes.info(ro).readOnly());

        assertThrows(SyscallException.ExistsException.class, () -> Btrfs.createSubvolume(a));
        assertThrows(SyscallException.NotFoundException.class, () -> Btrfs.createSubvolume(fs.root().resolve("no/such")));
    }

    @Test
    void snapshotsShareContentAndInodesAndNameTheirSource(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        Path base = fs.root().resolve("base");
        Btrfs.createSubvolume(base);
        Files.createDirectories(base.resolve("etc/deep"));
        Files.writeString(base.resolve("etc/deep/file"), "hello");
        Path rw = fs.root().resolve("rw");
        Path ro = fs.root().resolve("ro");
        Btrfs.snapshot(base, rw, false);
        Btrfs.snapshot(base, ro, true);

        assertEquals("hello", Files.readString(rw.resolve("etc/deep/file")));
        assertEquals(FileStat.of(base.resolve("etc/deep/file")).ino(), FileStat.of(rw.resolve("etc/deep/file")).ino());
        Files.writeString(rw.resolve("etc/deep/file"), "changed");
        assertEquals("hello", Files.readString(base.resolve("etc/deep/file")), "a snapshot is copy on write");
        assertTrue(Btrfs.isReadOnly(ro));
        assertThrows(FileSystemException.class, () -> Files.writeString(ro.resolve("etc/new"), "x"), "EROFS");

        BtrfsSubvolumes.Info b = BtrfsSubvolumes.info(base);
        BtrfsSubvolumes.Info r = BtrfsSubvolumes.info(ro);
        assertEquals(b.uuid(), r.parentUuid());
        assertEquals(b.uuid(), BtrfsSubvolumes.info(rw).parentUuid());
        assertNotEquals(b.uuid(), r.uuid());
        assertTrue(r.readOnly());

        Btrfs.setReadOnly(ro, false);
        assertFalse(Btrfs.isReadOnly(ro));
        Files.writeString(ro.resolve("etc/new"), "x");
        Btrfs.setReadOnly(ro, true);
        assertEquals(Btrfs.SUBVOL_RDONLY, Btrfs.flags(ro));

        long id = Btrfs.subvolumeId(rw);
        assertEquals("etc/deep/", Btrfs.directoryPath(rw, id, FileStat.of(rw.resolve("etc/deep")).ino()));
        assertEquals("", Btrfs.directoryPath(rw, 0, Btrfs.SUBVOLUME_ROOT_INODE));
        assertThrows(SyscallException.NotSupportedException.class, () -> Btrfs.snapshot(fs.root().resolve("../.."), rw.resolve("x"), false),
                "a snapshot source must be a btrfs subvolume");
    }

    @Test
    void destroyRefusesNestedSubvolumesAndFindsThem(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        Path outer = fs.root().resolve("outer");
        Btrfs.createSubvolume(outer);
        Files.createDirectories(outer.resolve("var/lib"));
        Btrfs.createSubvolume(outer.resolve("var/lib/inner"));
        Btrfs.createSubvolume(outer.resolve("top"));
        Btrfs.createSubvolume(outer.resolve("top/deeper"));

        List<BtrfsSubvolumes.Nested> nested = BtrfsSubvolumes.nested(outer);
        assertEquals(List.of("top", "var/lib/inner"), nested.stream().map(BtrfsSubvolumes.Nested::path).sorted().toList());
        assertEquals(List.of("deeper"), BtrfsSubvolumes.nested(outer.resolve("top")).stream().map(BtrfsSubvolumes.Nested::path).toList());
        assertEquals(Btrfs.subvolumeId(outer.resolve("var/lib/inner")),
                nested.stream().filter(n -> n.path().equals("var/lib/inner")).findFirst().orElseThrow().id());

        SyscallException e = assertThrows(SyscallException.ExistsException.class, () -> Btrfs.destroySubvolume(outer));
        assertEquals(Errno.ENOTEMPTY, e.errno());
        Btrfs.destroySubvolume(outer.resolve("top/deeper"));
        Btrfs.destroySubvolume(fs.root(), Btrfs.subvolumeId(outer.resolve("top")));
        Btrfs.destroySubvolume(outer.resolve("var/lib/inner"));
        assertTrue(BtrfsSubvolumes.nested(outer).isEmpty());
        long id = Btrfs.subvolumeId(outer);
        Btrfs.destroySubvolume(outer);
        assertFalse(Files.exists(outer));
        assertThrows(SyscallException.NotFoundException.class, () -> Btrfs.destroySubvolume(outer));
        assertTrue(BtrfsSubvolumes.info(fs.root(), id).isEmpty() || BtrfsSubvolumes.info(fs.root(), id).get().name().isEmpty(),
                "a destroyed subvolume has no back reference any more");
    }

    @Test
    void quotaLimitsASubvolumeWithEdquot(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        Path a = fs.root().resolve("a");
        Btrfs.createSubvolume(a);
        assertFalse(BtrfsQuota.enabled(fs.root()));
        assertThrows(SyscallException.class, () -> BtrfsQuota.limit(a, 1 << 20), "no limit without quotas");
        BtrfsQuota.enable(fs.root());
        BtrfsQuota.waitForRescan(fs.root());
        assertTrue(BtrfsQuota.enabled(fs.root()));
        BtrfsQuota.limit(a, 4L << 20);
        assertEquals(4L << 20, BtrfsQuota.usage(a).orElseThrow().maxReferenced());

        Files.write(a.resolve("small"), new byte[1 << 20]);
        IOException full = assertThrows(IOException.class,
                () -> Files.write(a.resolve("big"), new byte[8 << 20]));
        assertTrue(String.valueOf(full.getMessage()).contains("Disk quota exceeded"), full.toString());
        Btrfs.sync(a);
        BtrfsQuota.Usage u = BtrfsQuota.usage(a).orElseThrow();
        assertTrue(u.referenced() >= 1 << 20 && u.referenced() <= 4L << 20, u.toString());

        BtrfsQuota.limit(a, 0);
        assertEquals(0, BtrfsQuota.usage(a).orElseThrow().maxReferenced());
        Files.write(a.resolve("big"), new byte[8 << 20]);
    }

    @Test
    void ioctlsOnAnotherFilesystemAreNotSupported(@Scratch(type = FsType.TMPFS, sizeMiB = 16) ScratchFilesystem fs) throws Exception {
        assertFalse(Btrfs.isSubvolume(fs.root()));
        assertThrows(SyscallException.NotSupportedException.class, () -> Btrfs.createSubvolume(fs.root().resolve("a")));
        assertThrows(SyscallException.NotSupportedException.class, () -> Btrfs.subvolumeId(fs.root()));
    }
}
