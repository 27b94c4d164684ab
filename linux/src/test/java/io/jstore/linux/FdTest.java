package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FdTest {
    @Test
    void writesAndSetsMetadataThroughTheDescriptor(@Scratch(type = FsType.TMPFS, sizeMiB = 8) ScratchFilesystem fs)
            throws Exception {
        try (Fd dir = Fd.open(fs.root(), Fd.O_PATH | Fd.O_DIRECTORY);
             Fd f = dir.openAt("f", Fd.O_WRONLY | Fd.O_CREAT | Fd.O_EXCL | Fd.O_NOFOLLOW, 0600)) {
            byte[] bytes = "xxhello, worldyy".getBytes(StandardCharsets.US_ASCII);
            f.write(ByteBuffer.wrap(bytes, 2, 12), 0);
            ByteBuffer direct = ByteBuffer.allocateDirect(8).put("!!".getBytes(StandardCharsets.US_ASCII)).flip();
            f.write(direct, 12);
            assertEquals(0, direct.position(), "position left where it was");
            Inodes.chown(f, 1234, 5678);
            Inodes.chmod(f, 04755);
            Xattrs.set(f, "trusted.x", new byte[] {0, 1, 2});
            Inodes.setTimes(f, 1_000_000_001L, 2_000_000_002L);
        }
        Path p = fs.root().resolve("f");
        FileStat st = FileStat.of(p);
        assertEquals(1234, st.uid());
        assertEquals(5678, st.gid());
        assertEquals(04755, st.permissions(), "setuid survives: the mode went on after the owner");
        assertEquals(1_000_000_001L, st.atimeNanos());
        assertEquals(2_000_000_002L, st.mtimeNanos());
        assertArrayEquals(new byte[] {0, 1, 2}, Xattrs.get(p, "trusted.x").orElseThrow());
        assertEquals("hello, world!!", Files.readString(p));
    }

    @Test
    void failuresNameTheCallAndTheFile(@Scratch(type = FsType.TMPFS, sizeMiB = 8) ScratchFilesystem fs) throws Exception {
        Path p = Files.writeString(fs.root().resolve("ro"), "r");
        try (Fd f = Fd.open(p, Fd.O_RDONLY)) {
            SyscallException e = assertThrows(SyscallException.class, () -> f.write(ByteBuffer.allocate(1), 0));
            assertEquals("pwrite(" + p + "): EBADF (Bad file descriptor)", e.getMessage());
        }
    }
}
