package io.jstore.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a file's data lies on disk, from {@code FS_IOC_FIEMAP}: which ranges are holes, and
 * which extents are shared with another file (a reflink clone or a btrfs snapshot).
 */
public final class Extents {
    private Extents() {}

    private static final long FS_IOC_FIEMAP = 0xC020660BL;
    private static final int FIEMAP_FLAG_SYNC = 0x1;
    private static final int HEADER = 32;
    private static final int EXTENT = 56;
    private static final int BATCH = 128;

    public static final int FIEMAP_EXTENT_LAST = 0x1;
    public static final int FIEMAP_EXTENT_UNKNOWN = 0x2;
    public static final int FIEMAP_EXTENT_DELALLOC = 0x4;
    public static final int FIEMAP_EXTENT_ENCODED = 0x8;
    public static final int FIEMAP_EXTENT_UNWRITTEN = 0x800;
    public static final int FIEMAP_EXTENT_MERGED = 0x1000;
    public static final int FIEMAP_EXTENT_SHARED = 0x2000;

    /** One mapped range: file offset, disk offset and length in bytes, {@code FIEMAP_EXTENT_*} flags. */
    public record Extent(long logical, long physical, long length, int flags) {
        /** The disk blocks are shared with another file or snapshot. */
        public boolean shared() {
            return (flags & FIEMAP_EXTENT_SHARED) != 0;
        }

        /** The file's last extent. */
        public boolean last() {
            return (flags & FIEMAP_EXTENT_LAST) != 0;
        }
    }

    /**
     * Every extent of {@code file}, in file order; holes are simply absent. Dirty data is
     * written out first ({@code FIEMAP_FLAG_SYNC}), so delayed allocations show real places.
     */
    public static List<Extent> of(Path file) throws SyscallException {
        List<Extent> out = new ArrayList<>();
        try (Fd fd = Fd.open(file, Fd.O_RDONLY | Fd.O_NOFOLLOW)) {
            long start = 0;
            while (true) {
                byte[] buf = new byte[HEADER + BATCH * EXTENT];
                ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(0, start);
                b.putLong(8, Long.MAX_VALUE - start); // FIEMAP_MAX_OFFSET is ~0ULL; any end past EOF works
                b.putInt(16, FIEMAP_FLAG_SYNC);
                b.putInt(24, BATCH);
                if (Library.LIBC.ioctl(fd.number(), FS_IOC_FIEMAP, buf) != 0) {
                    throw SyscallException.last("ioctl(FS_IOC_FIEMAP)", file);
                }
                int mapped = b.getInt(20);
                if (mapped == 0) return out;
                for (int i = 0; i < mapped; i++) {
                    int at = HEADER + i * EXTENT;
                    Extent e = new Extent(b.getLong(at), b.getLong(at + 8), b.getLong(at + 16), b.getInt(at + 40));
                    out.add(e);
                    if (e.last()) return out;
                }
                Extent tail = out.get(out.size() - 1);
                start = tail.logical() + tail.length();
            }
        }
    }
}
