package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedMappingTest {
    @TempDir
    Path dir;

    private static void writeLong(Path file, long offset, long value) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(value).array());
        }
    }

    private static boolean mapped(Path file) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.endsWith(" " + file));
    }

    @Test
    void seesWritesMadeThroughTheFileAfterItWasMapped() throws Exception {
        Path file = dir.resolve("lock");
        Files.write(file, new byte[64]);
        try (Fd fd = Fd.open(file, Fd.O_RDONLY); SharedMapping m = SharedMapping.map(fd, 64)) {
            assertEquals(0, m.getLongVolatile(48));
            writeLong(file, 48, 0x1234_5678_9abcL);
            assertEquals(0x1234_5678_9abcL, m.getLongVolatile(48));
            writeLong(file, 0, 0xBEEFC0DEL);
            assertEquals(0xBEEFC0DE, m.getInt(0));
            assertThrows(IndexOutOfBoundsException.class, () -> m.getLongVolatile(60));
        }
    }

    @Test
    void closeLetsGoOfTheFileAndLaterReadsSeeZeros() throws Exception {
        Path file = dir.resolve("lock");
        Files.write(file, new byte[64]);
        writeLong(file, 8, 42);
        SharedMapping m;
        try (Fd fd = Fd.open(file, Fd.O_RDONLY)) {
            m = SharedMapping.map(fd, 64);
        }
        assertTrue(mapped(file), "the mapping needs no open descriptor");
        assertEquals(42, m.getLongVolatile(8));
        m.close();
        assertFalse(mapped(file), "the file is still mapped after close");
        assertEquals(0, m.getLongVolatile(8));
        m.close();
    }

    @Test
    void aFileShorterThanAskedIsRefused() throws Exception {
        Path file = dir.resolve("short");
        Files.write(file, new byte[16]);
        SyscallException e;
        try (Fd fd = Fd.open(file, Fd.O_RDONLY)) {
            e = assertThrows(SyscallException.class, () -> SharedMapping.map(fd, 56));
        }
        assertTrue(e.getMessage().contains("56"), e.getMessage());
        assertFalse(mapped(file));
    }
}
