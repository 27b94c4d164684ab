package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.Test;

class XattrsTest {
    private static final byte[] BINARY = {0, 1, (byte) 0xff, 0, 'x', (byte) 0x80, 0};

    @Test
    void everyNamespaceWithBinaryValues(@Scratch(type = FsType.EXT4, sizeMiB = 64) ScratchFilesystem fs)
            throws Exception {
        Path f = Files.writeString(fs.root().resolve("f"), "data");
        byte[] big = new byte[3000]; // more than the first 256-byte try: the ERANGE retry path
        for (int i = 0; i < big.length; i++) big[i] = (byte) i;
        Xattrs.set(f, "trusted.overlay.opaque", new byte[] {'y'});
        Xattrs.set(f, "security.jstore", BINARY);
        Xattrs.set(f, "user.jstore", big);
        assertArrayEquals(new byte[] {'y'}, Xattrs.get(f, "trusted.overlay.opaque").orElseThrow());
        assertArrayEquals(BINARY, Xattrs.get(f, "security.jstore").orElseThrow());
        assertArrayEquals(big, Xattrs.get(f, "user.jstore").orElseThrow());
        List<String> names = Xattrs.list(f);
        assertTrue(names.containsAll(List.of("trusted.overlay.opaque", "security.jstore", "user.jstore")), names.toString());

        Xattrs.remove(f, "security.jstore");
        Xattrs.remove(f, "security.jstore"); // absent is fine
        assertTrue(Xattrs.get(f, "security.jstore").isEmpty());
        assertFalse(Xattrs.list(f).contains("security.jstore"));
        assertArrayEquals(big, Xattrs.get(f, "user.jstore").orElseThrow(), "the others stay");
    }

    @Test
    void byDescriptorOfAFileAndADirectory(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Path f = Files.writeString(fs.root().resolve("f"), "data");
        Path d = Files.createDirectory(fs.root().resolve("d"));
        byte[] big = new byte[3000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 7);
        Xattrs.set(f, "security.jstore", BINARY);
        Xattrs.set(f, "user.big", big);
        Xattrs.set(d, "trusted.overlay.opaque", new byte[] {'y'});
        try (Fd file = Fd.open(f, Fd.O_RDONLY); Fd dir = Fd.open(d, Fd.O_RDONLY | Fd.O_DIRECTORY)) {
            assertEquals(java.util.Set.copyOf(Xattrs.list(f)), java.util.Set.copyOf(Xattrs.list(file)));
            assertArrayEquals(BINARY, Xattrs.get(file, "security.jstore").orElseThrow());
            assertArrayEquals(big, Xattrs.get(file, "user.big").orElseThrow(), "past the first 256-byte try");
            assertTrue(Xattrs.get(file, "user.none").isEmpty());
            assertEquals(List.of("trusted.overlay.opaque"), Xattrs.list(dir));
            assertArrayEquals(new byte[] {'y'}, Xattrs.get(dir, "trusted.overlay.opaque").orElseThrow());
        }
    }

    @Test
    void symlinkItselfNotItsTarget(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Path target = Files.writeString(fs.root().resolve("target"), "t");
        Path link = Files.createSymbolicLink(fs.root().resolve("link"), target);
        Xattrs.set(link, "trusted.jstore.link", BINARY);
        assertArrayEquals(BINARY, Xattrs.get(link, "trusted.jstore.link").orElseThrow());
        assertTrue(Xattrs.get(target, "trusted.jstore.link").isEmpty(), "the target is untouched");
        // the kernel allows user.* only on regular files and directories
        SyscallException e = assertThrows(SyscallException.PermissionException.class,
                () -> Xattrs.set(link, "user.x", BINARY));
        assertEquals("lsetxattr(user.x)(" + link + "): EPERM (Operation not permitted)", e.getMessage());
    }

    @Test
    void byNameInAnOpenDirectoryTheEntryItself(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Path f = Files.writeString(fs.root().resolve("f"), "data");
        Path target = Files.writeString(fs.root().resolve("target"), "t");
        Files.createSymbolicLink(fs.root().resolve("link"), target);
        Files.writeString(fs.root().resolve("plain"), "p");
        for (int i = 0; i < 40; i++) Xattrs.set(f, "user.name-long-enough-to-pass-256-bytes-" + i, BINARY);
        Xattrs.set(target, "user.of-the-target", BINARY);
        Xattrs.set(fs.root().resolve("link"), "trusted.of-the-link", BINARY);
        try (Fd dir = Fd.open(fs.root(), Fd.O_RDONLY | Fd.O_DIRECTORY)) {
            assertEquals(Xattrs.list(f), Xattrs.list(dir, "f"), "past the first 256-byte try");
            assertEquals(List.of("trusted.of-the-link"), Xattrs.list(dir, "link"), "a symlink is not followed");
            assertEquals(List.of(), Xattrs.list(dir, "plain"));
            assertEquals(List.of("trusted.of-the-link"), Xattrs.listThroughProc(dir, "link"), "older kernels' way");
            assertEquals(Xattrs.list(f), Xattrs.listThroughProc(dir, "f"));
            assertThrows(SyscallException.NotFoundException.class, () -> Xattrs.list(dir, "nope"));
        }
    }

    @Test
    void missingPathIsTyped(@Scratch(type = FsType.TMPFS, sizeMiB = 8) ScratchFilesystem fs) {
        Path missing = fs.root().resolve("nope");
        assertThrows(SyscallException.NotFoundException.class, () -> Xattrs.get(missing, "user.a"));
        assertThrows(SyscallException.NotFoundException.class, () -> Xattrs.list(missing));
    }
}
