package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Walking a tree through descriptors: names of a directory, stats and reads relative to it. */
class DirectoryFdTest {
    @Test
    void namesAreEveryEntryButDotsAcrossManyGetdentsCalls(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Path dir = Files.createDirectory(fs.root().resolve("d"));
        Set<String> made = new HashSet<>();
        // long names: more than one 32 KiB getdents64 buffer
        for (int i = 0; i < 400; i++) {
            String name = "entry-" + i + "-" + "x".repeat(200) + (i % 2 == 0 ? "-é" : "");
            Files.createFile(dir.resolve(name));
            made.add(name);
        }
        Files.createSymbolicLink(dir.resolve("link"), Path.of("nowhere"));
        made.add("link");
        try (Fd d = Fd.open(dir, Fd.O_RDONLY | Fd.O_DIRECTORY)) {
            assertEquals(made, new HashSet<>(d.names()));
        }
    }

    @Test
    void statRelativeToTheDirectoryDoesNotFollowSymlinks(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Path f = Files.writeString(fs.root().resolve("f"), "12345");
        Files.createSymbolicLink(fs.root().resolve("l"), f);
        try (Fd root = Fd.open(fs.root(), Fd.O_RDONLY | Fd.O_DIRECTORY)) {
            assertEquals(FileStat.of(f), FileStat.of(root, "f"));
            assertTrue(FileStat.of(root, "l").isSymlink());
            SyscallException e = assertThrows(SyscallException.NotFoundException.class, () -> FileStat.of(root, "missing"));
            assertTrue(e.getMessage().contains(fs.root() + "/missing"), e.getMessage());
        }
    }

    @Test
    void readFillsADirectBufferFromItsPosition(@Scratch(type = FsType.TMPFS, sizeMiB = 8) ScratchFilesystem fs) throws Exception {
        Path f = Files.writeString(fs.root().resolve("f"), "hello world");
        try (Fd fd = Fd.open(f, Fd.O_RDONLY)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(32);
            buf.put((byte) '>');
            buf.limit(6);
            assertEquals(5, fd.read(buf));
            assertEquals(6, buf.position());
            buf.limit(32);
            assertEquals(6, fd.read(buf));
            assertEquals(-1, fd.read(buf), "end of file");
            byte[] got = new byte[buf.position()];
            buf.flip().get(got);
            assertEquals(">hello world", new String(got));
            assertThrows(IllegalArgumentException.class, () -> fd.read(ByteBuffer.allocate(4)));
        }
    }
}
