package io.jstore.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * btrfs subvolumes through their ioctls (linux/btrfs.h): create, snapshot, destroy, the
 * read-only flag, the subvolume id of a path and the path of a directory inode. Tree searches
 * live in {@link BtrfsTree}, quotas in {@link BtrfsQuota}.
 *
 * <p>Every call needs CAP_SYS_ADMIN or, for create/snapshot, write access to the parent
 * directory; destroying needs the {@code user_subvol_rm_allowed} mount option unless root.
 */
public final class Btrfs {
    private Btrfs() {}

    // _IOW(0x94, nr, struct btrfs_ioctl_vol_args): 4096-byte struct {s64 fd; char name[4088]}
    private static final long SUBVOL_CREATE = 0x5000940EL;
    private static final long SNAP_DESTROY = 0x5000940FL;
    // _IOW(0x94, nr, struct btrfs_ioctl_vol_args_v2): 4096 bytes, name at 56
    private static final long SNAP_CREATE_V2 = 0x50009417L;
    private static final long SUBVOL_CREATE_V2 = 0x50009418L;
    private static final long SNAP_DESTROY_V2 = 0x5000943FL;
    // _IOR/_IOW(0x94, 25/26, __u64)
    private static final long SUBVOL_GETFLAGS = 0x80089419L;
    private static final long SUBVOL_SETFLAGS = 0x4008941AL;
    // _IOWR(0x94, 18, struct btrfs_ioctl_ino_lookup_args): {u64 treeid; u64 objectid; char name[4080]}
    private static final long INO_LOOKUP = 0xD0009412L;
    // _IO(0x94, 8): commits the running transaction, flushing delayed inode and dir items to the trees
    private static final long SYNC = 0x9408L;
    // _IOR(0x94, 60, struct btrfs_ioctl_get_subvol_info_args): 504 bytes, generation at 280, ctransid at 344
    private static final long GET_SUBVOL_INFO = 0x81F8943CL;
    private static final int SUBVOL_INFO_SIZE = 504;
    private static final int SUBVOL_INFO_GENERATION = 280;
    private static final int SUBVOL_INFO_CTRANSID = 344;

    private static final int VOL_ARGS_SIZE = 4096;
    private static final int VOL_ARGS_NAME_MAX = 4087;
    private static final int V2_FLAGS = 16;
    private static final int V2_NAME = 56;
    private static final int V2_NAME_MAX = 4039;
    private static final int INO_LOOKUP_NAME = 16;

    /** {@code BTRFS_SUBVOL_RDONLY}: the subvolume refuses every change. */
    public static final long SUBVOL_RDONLY = 1L << 1;
    private static final long SUBVOL_SPEC_BY_ID = 1L << 4;

    /** Every subvolume's root directory has this inode number ({@code BTRFS_FIRST_FREE_OBJECTID}). */
    public static final long SUBVOLUME_ROOT_INODE = 256;
    /** The top-level subvolume's id ({@code BTRFS_FS_TREE_OBJECTID}). */
    public static final long TOP_LEVEL_ID = 5;

    /** Whether {@code path} is the root of a subvolume (it is on btrfs and has inode 256). */
    public static boolean isSubvolume(Path path) throws SyscallException {
        FileStat st = FileStat.ofOrNull(path);
        return st != null && st.isDirectory() && st.ino() == SUBVOLUME_ROOT_INODE
                && Filesystems.statfs(path).magic() == Filesystems.BTRFS_MAGIC;
    }

    /** Creates an empty subvolume at {@code path}, whose parent directory must exist ({@code SUBVOL_CREATE}). */
    public static void createSubvolume(Path path) throws SyscallException {
        try (Fd parent = openDir(parentOf(path))) {
            byte[] args = volArgs(0, name(path, VOL_ARGS_NAME_MAX));
            if (Library.LIBC.ioctl(parent.number(), SUBVOL_CREATE, args) != 0) {
                throw SyscallException.last("ioctl(BTRFS_IOC_SUBVOL_CREATE)", path);
            }
        }
    }

    /**
     * As {@link #createSubvolume}, through {@code SUBVOL_CREATE_V2}, optionally read-only. The
     * kernel accepts {@code BTRFS_SUBVOL_RDONLY} there but honours it for snapshots only, so a
     * read-only empty subvolume is made writable and then flagged.
     */
    public static void createSubvolume(Path path, boolean readOnly) throws SyscallException {
        try (Fd parent = openDir(parentOf(path))) {
            byte[] args = volArgsV2(0, 0, name(path, V2_NAME_MAX));
            if (Library.LIBC.ioctl(parent.number(), SUBVOL_CREATE_V2, args) != 0) {
                throw SyscallException.last("ioctl(BTRFS_IOC_SUBVOL_CREATE_V2)", path);
            }
        }
        if (readOnly) setReadOnly(path, true);
    }

    /**
     * Snapshots subvolume {@code source} to {@code target} ({@code SNAP_CREATE_V2}); the
     * snapshot shares every extent and keeps every inode number. Nested subvolumes of the
     * source are not included: they show as empty directories in the snapshot.
     */
    public static void snapshot(Path source, Path target, boolean readOnly) throws SyscallException {
        try (Fd src = openDir(source); Fd parent = openDir(parentOf(target))) {
            byte[] args = volArgsV2(src.number(), readOnly ? SUBVOL_RDONLY : 0, name(target, V2_NAME_MAX));
            if (Library.LIBC.ioctl(parent.number(), SNAP_CREATE_V2, args) != 0) {
                throw SyscallException.last("ioctl(BTRFS_IOC_SNAP_CREATE_V2)", source, target);
            }
        }
    }

    /**
     * Destroys the subvolume at {@code path} ({@code SNAP_DESTROY}). The kernel refuses one
     * that holds nested subvolumes with ENOTEMPTY ({@link SyscallException.ExistsException})
     * and frees the extents in the background after the call returns.
     */
    public static void destroySubvolume(Path path) throws SyscallException {
        try (Fd parent = openDir(parentOf(path))) {
            byte[] args = volArgs(0, name(path, VOL_ARGS_NAME_MAX));
            if (Library.LIBC.ioctl(parent.number(), SNAP_DESTROY, args) != 0) {
                throw SyscallException.last("ioctl(BTRFS_IOC_SNAP_DESTROY)", path);
            }
        }
    }

    /**
     * Destroys subvolume {@code id} of the filesystem holding {@code anyPath}, wherever it is
     * ({@code SNAP_DESTROY_V2} with {@code BTRFS_SUBVOL_SPEC_BY_ID}).
     */
    public static void destroySubvolume(Path anyPath, long id) throws SyscallException {
        try (Fd fd = openDir(anyPath)) {
            byte[] args = new byte[VOL_ARGS_SIZE];
            ByteBuffer b = le(args);
            b.putLong(V2_FLAGS, SUBVOL_SPEC_BY_ID);
            b.putLong(V2_NAME, id);
            if (Library.LIBC.ioctl(fd.number(), SNAP_DESTROY_V2, args) != 0) {
                throw SyscallException.last("ioctl(BTRFS_IOC_SNAP_DESTROY_V2)", anyPath + "#" + id);
            }
        }
    }

    /** {@code SUBVOL_GETFLAGS}: the subvolume's flags, {@link #SUBVOL_RDONLY} or 0. */
    public static long flags(Path subvolume) throws SyscallException {
        try (Fd fd = openDir(subvolume)) {
            byte[] flags = new byte[8];
            if (Library.LIBC.ioctl(fd.number(), SUBVOL_GETFLAGS, flags) != 0) {
                throw SyscallException.last("ioctl(BTRFS_IOC_SUBVOL_GETFLAGS)", subvolume);
            }
            return le(flags).getLong(0);
        }
    }

    public static boolean isReadOnly(Path subvolume) throws SyscallException {
        return (flags(subvolume) & SUBVOL_RDONLY) != 0;
    }

    /**
     * Makes the subvolume read-only or writable again ({@code SUBVOL_SETFLAGS}). The kernel
     * refuses (EPERM) to make writable a read-only subvolume that was received by send/receive.
     */
    public static void setReadOnly(Path subvolume, boolean readOnly) throws SyscallException {
        try (Fd fd = openDir(subvolume)) {
            byte[] flags = new byte[8];
            le(flags).putLong(0, readOnly ? SUBVOL_RDONLY : 0);
            if (Library.LIBC.ioctl(fd.number(), SUBVOL_SETFLAGS, flags) != 0) {
                throw SyscallException.last("ioctl(BTRFS_IOC_SUBVOL_SETFLAGS)", subvolume);
            }
        }
    }

    /** The id (tree objectid) of the subvolume holding {@code path} ({@code INO_LOOKUP} with treeid 0). */
    public static long subvolumeId(Path path) throws SyscallException {
        try (Fd fd = openDir(path)) {
            byte[] args = inoLookup(fd, path, 0, SUBVOLUME_ROOT_INODE);
            return le(args).getLong(0);
        }
    }

    /**
     * The path of directory inode {@code dirInode} within subvolume {@code treeId} of the
     * filesystem holding {@code anyPath}, relative to that subvolume's root: "" for its root,
     * else {@code a/b/} with a trailing slash, as {@code INO_LOOKUP} returns it. Only
     * directories: a file's name is its parent's path plus the name in its inode ref.
     */
    public static String directoryPath(Path anyPath, long treeId, long dirInode) throws SyscallException {
        try (Fd fd = openDir(anyPath)) {
            byte[] args = inoLookup(fd, anyPath, treeId, dirInode);
            int len = 0;
            while (INO_LOOKUP_NAME + len < args.length && args[INO_LOOKUP_NAME + len] != 0) len++;
            return new String(args, INO_LOOKUP_NAME, len, StandardCharsets.UTF_8);
        }
    }

    /** Commits the filesystem's running transaction ({@code BTRFS_IOC_SYNC}), so tree searches see every change. */
    public static void sync(Path anyPath) throws SyscallException {
        try (Fd fd = openDir(anyPath)) {
            if (Library.LIBC.ioctl(fd.number(), SYNC, 0L) != 0) throw SyscallException.last("ioctl(BTRFS_IOC_SYNC)", anyPath);
        }
    }

    /**
     * Whether every change made to the subvolume holding {@code path} is in its tree already,
     * so that a tree search sees it without a commit ({@link #sync}). {@code GET_SUBVOL_INFO}
     * reads the root item the kernel holds in memory, not the committed copy: every inode
     * update stamps its {@code ctransid} with the running transaction
     * ({@code btrfs_update_inode} → {@code btrfs_update_root_times}), and the commit that
     * writes the subvolume's tree sets its {@code generation}. While {@code ctransid} is not
     * newer, nothing changed since that commit: the transaction still open holds only writes
     * elsewhere (other subvolumes, the store's own files), and committing them is no use here.
     */
    public static boolean changesCommitted(Path path) throws SyscallException {
        try (Fd fd = openDir(path)) {
            byte[] args = new byte[SUBVOL_INFO_SIZE];
            // it may return 1 (its last tree search's "not exactly found") on success
            if (Library.LIBC.ioctl(fd.number(), GET_SUBVOL_INFO, args) < 0) {
                throw SyscallException.last("ioctl(BTRFS_IOC_GET_SUBVOL_INFO)", path);
            }
            ByteBuffer b = le(args);
            return Long.compareUnsigned(b.getLong(SUBVOL_INFO_CTRANSID), b.getLong(SUBVOL_INFO_GENERATION)) <= 0;
        }
    }

    private static byte[] inoLookup(Fd fd, Path path, long treeId, long objectId) throws SyscallException {
        byte[] args = new byte[VOL_ARGS_SIZE];
        ByteBuffer b = le(args);
        b.putLong(0, treeId);
        b.putLong(8, objectId);
        if (Library.LIBC.ioctl(fd.number(), INO_LOOKUP, args) != 0) {
            throw SyscallException.last("ioctl(BTRFS_IOC_INO_LOOKUP)", path + "#" + treeId + ":" + objectId);
        }
        return args;
    }

    static Fd openDir(Path dir) throws SyscallException {
        return Fd.open(dir, Fd.O_RDONLY | Fd.O_DIRECTORY);
    }

    static ByteBuffer le(byte[] buf) {
        return ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static Path parentOf(Path path) {
        Path abs = path.toAbsolutePath();
        Path parent = abs.getParent();
        if (parent == null || abs.getFileName() == null) throw new IllegalArgumentException("no parent directory: " + path);
        return parent;
    }

    private static byte[] name(Path path, int max) {
        byte[] name = path.toAbsolutePath().getFileName().toString().getBytes(StandardCharsets.UTF_8);
        if (name.length > max) throw new IllegalArgumentException("subvolume name longer than " + max + " bytes: " + path);
        return name;
    }

    private static byte[] volArgs(long fd, byte[] name) {
        byte[] args = new byte[VOL_ARGS_SIZE];
        le(args).putLong(0, fd);
        System.arraycopy(name, 0, args, 8, name.length);
        return args;
    }

    private static byte[] volArgsV2(long fd, long flags, byte[] name) {
        byte[] args = new byte[VOL_ARGS_SIZE];
        ByteBuffer b = le(args);
        b.putLong(0, fd);
        b.putLong(V2_FLAGS, flags);
        System.arraycopy(name, 0, args, V2_NAME, name.length);
        return args;
    }
}
