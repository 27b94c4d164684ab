package io.jstore.linux;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * btrfs quota groups: turning quotas on ({@code QUOTA_CTL}), limiting the bytes a
 * subvolume's own qgroup {@code 0/<id>} may reference ({@code QGROUP_LIMIT}), and reading
 * usage and limits back from the quota tree. A write past the limit fails with EDQUOT
 * ({@link SyscallException.NoSpaceException}).
 */
public final class BtrfsQuota {
    private BtrfsQuota() {}

    // _IOWR(0x94, 40, struct btrfs_ioctl_quota_ctl_args {u64 cmd; u64 status})
    private static final long QUOTA_CTL = 0xC0109428L;
    // _IOR(0x94, 43, struct btrfs_ioctl_qgroup_limit_args {u64 qgroupid; struct btrfs_qgroup_limit lim}): _IOR
    // although the kernel reads it; the number is what it is
    private static final long QGROUP_LIMIT = 0x8030942BL;
    // _IO(0x94, 46): waits for a running rescan to finish
    private static final long QUOTA_RESCAN_WAIT = 0x942EL;
    private static final long CTL_ENABLE = 1;
    private static final long CTL_DISABLE = 2;
    private static final long LIMIT_MAX_RFER = 1;

    /** What the quota tree holds for one qgroup: bytes referenced and exclusive, and the referenced limit (0 = none). */
    public record Usage(long qgroupId, long referenced, long exclusive, long maxReferenced) {}

    /** The level-0 qgroup id of a subvolume: {@code 0/<id>}. */
    public static long qgroupOf(long subvolumeId) {
        return subvolumeId; // level in the top 16 bits, 0 here
    }

    /** Enables quotas on the filesystem holding {@code anyPath}; a no-op where they are on already. */
    public static void enable(Path anyPath) throws SyscallException {
        ctl(anyPath, CTL_ENABLE, "ENABLE");
    }

    public static void disable(Path anyPath) throws SyscallException {
        ctl(anyPath, CTL_DISABLE, "DISABLE");
    }

    /** Whether quotas are on: the quota tree exists exactly while they are. */
    public static boolean enabled(Path anyPath) throws SyscallException {
        return BtrfsSubvolumes.info(anyPath, BtrfsTree.QUOTA_TREE).isPresent();
    }

    /** Waits until a rescan (started by {@link #enable}) has accounted every extent. */
    public static void waitForRescan(Path anyPath) throws SyscallException {
        try (Fd fd = Btrfs.openDir(anyPath)) {
            if (Library.LIBC.ioctl(fd.number(), QUOTA_RESCAN_WAIT, 0L) != 0) {
                throw SyscallException.last("ioctl(BTRFS_IOC_QUOTA_RESCAN_WAIT)", anyPath);
            }
        }
    }

    /**
     * Limits the bytes subvolume {@code subvolume}'s qgroup may reference (0 lifts the
     * limit). Quotas must be enabled (ENOTCONN otherwise).
     */
    public static void limit(Path subvolume, long maxReferencedBytes) throws SyscallException {
        long qgroup = qgroupOf(Btrfs.subvolumeId(subvolume));
        byte[] args = new byte[48];
        ByteBuffer b = Btrfs.le(args);
        b.putLong(0, qgroup);
        b.putLong(8, LIMIT_MAX_RFER);
        b.putLong(16, maxReferencedBytes == 0 ? BtrfsTree.MAX : maxReferencedBytes);
        try (Fd fd = Btrfs.openDir(subvolume)) {
            if (Library.LIBC.ioctl(fd.number(), QGROUP_LIMIT, args) != 0) {
                throw SyscallException.last("ioctl(BTRFS_IOC_QGROUP_LIMIT)", subvolume);
            }
        }
    }

    /** Usage and limit of subvolume {@code subvolume}'s own qgroup, if quotas are on and it has one. */
    public static Optional<Usage> usage(Path subvolume) throws SyscallException {
        long qgroup = qgroupOf(Btrfs.subvolumeId(subvolume));
        long[] info = null;
        long max = 0;
        for (BtrfsTree.Item i : BtrfsTree.search(subvolume, BtrfsTree.QUOTA_TREE,
                new BtrfsTree.Key(0, BtrfsTree.QGROUP_INFO, qgroup), new BtrfsTree.Key(0, BtrfsTree.QGROUP_LIMIT, qgroup))) {
            if (i.offset() != qgroup) continue;
            ByteBuffer b = i.buffer();
            // btrfs_qgroup_info_item {generation, rfer, rfer_cmpr, excl, excl_cmpr}
            if (i.type() == BtrfsTree.QGROUP_INFO) info = new long[] {b.getLong(8), b.getLong(24)};
            // btrfs_qgroup_limit_item {flags, max_rfer, max_excl, rsv_rfer, rsv_excl}
            if (i.type() == BtrfsTree.QGROUP_LIMIT && (b.getLong(0) & LIMIT_MAX_RFER) != 0) max = b.getLong(8);
        }
        if (info == null) return Optional.empty();
        return Optional.of(new Usage(qgroup, info[0], info[1], max == BtrfsTree.MAX ? 0 : max));
    }

    private static void ctl(Path anyPath, long cmd, String name) throws SyscallException {
        byte[] args = new byte[16];
        Btrfs.le(args).putLong(0, cmd);
        try (Fd fd = Btrfs.openDir(anyPath)) {
            if (Library.LIBC.ioctl(fd.number(), QUOTA_CTL, args) != 0) {
                throw SyscallException.last("ioctl(BTRFS_IOC_QUOTA_CTL " + name + ")", anyPath);
            }
        }
    }
}
