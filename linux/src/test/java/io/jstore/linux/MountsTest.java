package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MountsTest {
    @Test
    void readOnlyBindAndPropagation(@Scratch(type = FsType.TMPFS, sizeMiB = 8) ScratchFilesystem fs) throws Exception {
        Path src = Files.createDirectory(fs.root().resolve("src"));
        Path dst = Files.createDirectory(fs.root().resolve("dst"));
        Files.writeString(src.resolve("f"), "data");
        Mounts.bind(src, dst, false, true);
        MountInfo.Entry e = MountInfo.at(dst).orElseThrow();
        assertTrue(e.readOnly(), e.toString());
        assertEquals("/src", e.root(), "a bind shows the subtree it exposes");
        assertEquals("data", Files.readString(dst.resolve("f")));
        FileSystemException denied = assertThrows(FileSystemException.class,
                () -> Files.writeString(dst.resolve("g"), "x"));
        assertTrue(denied.getMessage().contains("Read-only") || denied instanceof AccessDeniedException, denied.toString());

        Mounts.propagation(dst, MountFlag.SHARED, false);
        assertTrue(MountInfo.at(dst).orElseThrow().optionalFields().stream().anyMatch(f -> f.startsWith("shared:")));
        Mounts.propagation(dst, MountFlag.PRIVATE, false);
        assertEquals(List.of(), MountInfo.at(dst).orElseThrow().optionalFields());
        assertThrows(IllegalArgumentException.class, () -> Mounts.propagation(dst, MountFlag.RDONLY, false));
        Mounts.unmount(dst);
        assertFalse(MountInfo.isMountPoint(dst));
    }

    @Test
    void busyUnmountIsTypedAndDetachHelps(@Scratch(type = FsType.TMPFS, sizeMiB = 8) ScratchFilesystem fs)
            throws Exception {
        Path m = Files.createDirectory(fs.root().resolve("m"));
        Mounts.mount("busy", m, "tmpfs", Set.of(), "size=1m");
        try (Fd open = Fd.open(m.resolve("x"), Fd.O_RDWR | Fd.O_CREAT, 0600)) {
            SyscallException e = assertThrows(SyscallException.BusyException.class, () -> Mounts.unmount(m));
            assertEquals("umount2(" + m + "): EBUSY (Device or resource busy)", e.getMessage());
            Mounts.unmount(m, Mounts.MNT_DETACH);
            assertFalse(MountInfo.isMountPoint(m));
        }
        assertThrows(SyscallException.class, () -> Mounts.unmount(m));
    }

    @Test
    void openTreeCloneMovedElsewhere(@Scratch(type = FsType.EXT4, sizeMiB = 64) ScratchFilesystem fs) throws Exception {
        Path src = Files.createDirectory(fs.root().resolve("src"));
        Path dst = Files.createDirectory(fs.root().resolve("dst"));
        Files.writeString(src.resolve("f"), "cloned");
        try (FsContext.DetachedMount m = FsContext.DetachedMount.cloneOf(src, false)) {
            m.moveTo(dst);
        }
        MountInfo.Entry e = MountInfo.at(dst).orElseThrow();
        assertEquals("ext4", e.fsType());
        assertEquals(fs.loop().path().toString(), e.source());
        assertEquals("cloned", Files.readString(dst.resolve("f")));
        Mounts.unmount(dst);
    }

    @Test
    void mountInResolvesRelativeOptionsWithoutMovingTheJvm(@Scratch(type = FsType.TMPFS, sizeMiB = 8) ScratchFilesystem fs)
            throws Exception {
        Path cwdBefore = Path.of("").toAbsolutePath();
        Path l = Files.createDirectories(fs.root().resolve("layers/l"));
        Files.createDirectories(fs.root().resolve("layers/m")); // without upper, overlay wants two lowers
        Path merged = Files.createDirectory(fs.root().resolve("merged"));
        Files.writeString(l.resolve("f"), "relative");
        Mounts.mountIn(fs.root().resolve("layers"), "overlay", merged, "overlay", EnumSet.noneOf(MountFlag.class),
                "lowerdir=l:m");
        try {
            assertEquals("relative", Files.readString(merged.resolve("f")));
        } finally {
            Mounts.unmount(merged);
        }
        assertEquals(cwdBefore, Path.of(".").toRealPath());
        SyscallException e = assertThrows(SyscallException.NotFoundException.class, () -> Mounts.mountIn(
                fs.root().resolve("none"), "overlay", merged, "overlay", Set.of(), "lowerdir=l"));
        assertEquals("chdir(" + fs.root().resolve("none") + "): ENOENT (No such file or directory)", e.getMessage());
    }
}
