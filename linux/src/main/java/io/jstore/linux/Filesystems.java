package io.jstore.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;

/**
 * What filesystem a path lives on, and what it can do: the {@code statfs(2)} magic and
 * counts, {@code syncfs(2)}, and {@link #probe} for the features drivers depend on.
 */
public final class Filesystems {
    private Filesystems() {}

    /** {@code f_type} values of the filesystems jstore's drivers care about (linux/magic.h). */
    public static final long EXT4_MAGIC = 0xEF53L;
    public static final long XFS_MAGIC = 0x58465342L;
    public static final long BTRFS_MAGIC = 0x9123683EL;
    public static final long TMPFS_MAGIC = 0x01021994L;
    public static final long OVERLAY_MAGIC = 0x794C7630L;

    private static final Map<Long, String> NAMES = Map.ofEntries(
            Map.entry(EXT4_MAGIC, "ext4"), // ext2 and ext3 share it
            Map.entry(XFS_MAGIC, "xfs"),
            Map.entry(BTRFS_MAGIC, "btrfs"),
            Map.entry(TMPFS_MAGIC, "tmpfs"),
            Map.entry(OVERLAY_MAGIC, "overlay"),
            Map.entry(0x858458F6L, "ramfs"),
            Map.entry(0x2FC12FC1L, "zfs"),
            Map.entry(0xF2F52010L, "f2fs"),
            Map.entry(0xE0F5E1E2L, "erofs"),
            Map.entry(0x73717368L, "squashfs"),
            Map.entry(0x65735546L, "fuse"),
            Map.entry(0x6969L, "nfs"),
            Map.entry(0xFF534D42L, "cifs"),
            Map.entry(0x9FA0L, "proc"),
            Map.entry(0x62656572L, "sysfs"),
            Map.entry(0x1CD1L, "devpts"),
            Map.entry(0x63677270L, "cgroup2"),
            Map.entry(0x27E0EBL, "cgroup"),
            Map.entry(0x4D44L, "vfat"),
            Map.entry(0x5346544EL, "ntfs"),
            Map.entry(0x01021997L, "9p"),
            Map.entry(0x64626720L, "debugfs"),
            Map.entry(0x74726163L, "tracefs"),
            Map.entry(0x73636673L, "securityfs"),
            Map.entry(0xCAFE4A11L, "bpf"),
            Map.entry(0x958458F6L, "hugetlbfs"),
            Map.entry(0x19800202L, "mqueue"));

    /** What {@code statfs(2)} reports; counts are in {@code blockSize} units. */
    public record StatFs(long magic, long blockSize, long blocks, long blocksFree, long blocksAvailable,
                         long files, long filesFree) {
        /** {@link Filesystems#typeName} of the magic. */
        public String type() {
            return typeName(magic);
        }

        /** Bytes an unprivileged writer may still use. */
        public long bytesAvailable() {
            return blocksAvailable * blockSize;
        }
    }

    /** {@code statfs(2)} of the filesystem holding {@code path} (symlinks followed, as the call does). */
    public static StatFs statfs(Path path) throws SyscallException {
        byte[] buf = new byte[120];
        if (Library.LIBC.statfs(path.toString(), buf) != 0) throw SyscallException.last("statfs", path);
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        return new StatFs(b.getLong(0) & 0xFFFFFFFFL, b.getLong(8), b.getLong(16), b.getLong(24), b.getLong(32),
                b.getLong(40), b.getLong(48));
    }

    /** The usual name of a filesystem magic ({@code ext4}, {@code xfs}, {@code overlay}…), or {@code 0x<hex>}. */
    public static String typeName(long magic) {
        String name = NAMES.get(magic);
        return name != null ? name : "0x" + Long.toHexString(magic);
    }

    /** Flushes everything of the filesystem holding {@code path} to its device. */
    public static void syncfs(Path path) throws SyscallException {
        try (Fd fd = Fd.open(path, Fd.O_RDONLY)) {
            if (Library.LIBC.syncfs(fd.number()) != 0) throw SyscallException.last("syncfs", path);
        }
    }

    /**
     * What the filesystem of {@code dir} supports, found by trying: {@code dType} whether
     * readdir reports entry types (overlayfs requires it), {@code reflink} whether FICLONE
     * shares extents, {@code trustedXattrs} whether {@code trusted.*} attributes can be set
     * (overlayfs keeps its opaque and redirect marks there; it needs root, too).
     */
    public record Features(String type, long magic, boolean dType, boolean reflink, boolean trustedXattrs) {}

    /**
     * Probes {@code dir} with temporary files in it (a hidden {@code .jstore-probe-*}
     * directory), all removed again before this returns.
     */
    public static Features probe(Path dir) throws SyscallException {
        long magic = statfs(dir).magic();
        return FeatureProbe.run(dir, magic, typeName(magic));
    }

    /**
     * {@link #probe(Path)}, remembered in {@code cache} (on the same filesystem) while the boot,
     * device, magic and effective uid stay the same. The file is written only when its directory
     * exists: the caller decides where a remembered answer may live.
     */
    public static Features probe(Path dir, Path cache) throws SyscallException {
        return FeatureCache.probe(dir, cache);
    }
}
