package io.jstore.linux;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads btrfs metadata trees with {@code BTRFS_IOC_TREE_SEARCH_V2}: every item whose key
 * lies in a range, optionally only from tree blocks written since a transaction. The
 * transaction bound prunes whole subtrees the kernel has not touched since, which is what
 * makes {@code btrfs subvolume find-new} (and {@link BtrfsChanges}) cost O(changes).
 *
 * <p>Keys are ordered as 136-bit numbers {@code (objectid, type, offset)}: a range from
 * {@code (a, t1, o1)} to {@code (b, t2, o2)} includes every type of the objectids strictly
 * between {@code a} and {@code b}, so callers filter by type themselves. Needs CAP_SYS_ADMIN.
 */
public final class BtrfsTree {
    private BtrfsTree() {}

    // _IOWR(0x94, 17, struct btrfs_ioctl_search_args_v2): a 104-byte search key + u64 buf_size
    private static final long TREE_SEARCH_V2 = 0xC0709411L;
    private static final int KEY_SIZE = 104;
    private static final int ARGS_HEADER = KEY_SIZE + 8;
    private static final int ITEM_HEADER = 32;
    // Hundreds of items per call. jnr copies the whole buffer in and out of every call, so
    // bigger is slower for the many small searches; the kernel caps buf_size at 16 MiB.
    static final int BUFFER = 64 << 10;
    /** For searches of a key or a few: one tree block's worth. */
    static final int SMALL_BUFFER = 16 << 10;

    /** {@code tree_id} 0: the subvolume tree of the path the search is made through. */
    public static final long OWN_SUBVOLUME = 0;
    public static final long ROOT_TREE = 1;
    public static final long QUOTA_TREE = 8;

    // item types (btrfs_tree.h)
    public static final int INODE_ITEM = 1;
    public static final int INODE_REF = 12;
    public static final int INODE_EXTREF = 13;
    public static final int DIR_ITEM = 84;
    public static final int DIR_INDEX = 96;
    public static final int EXTENT_DATA = 108;
    public static final int ROOT_ITEM = 132;
    public static final int ROOT_BACKREF = 144;
    public static final int ROOT_REF = 156;
    public static final int QGROUP_INFO = 242;
    public static final int QGROUP_LIMIT = 244;

    /** The largest unsigned 64-bit value, as Java's -1. */
    public static final long MAX = -1L;

    /** A btrfs key; objectid and offset are unsigned. */
    public record Key(long objectId, int type, long offset) {
        public static final Key FIRST = new Key(0, 0, 0);
        public static final Key LAST = new Key(MAX, 255, MAX);

        /** The key right after this one, or null after {@link #LAST}. */
        Key next() {
            if (offset != MAX) return new Key(objectId, type, offset + 1);
            if (type != 255) return new Key(objectId, type + 1, 0);
            if (objectId != MAX) return new Key(objectId + 1, 0, 0);
            return null;
        }
    }

    /**
     * One item: its key, the generation of the tree block holding it (not of the item: a
     * block rewritten for one item carries all its neighbours along), and its raw bytes.
     */
    public record Item(long blockTransid, long objectId, int type, long offset, byte[] data) {
        public ByteBuffer buffer() {
            return Btrfs.le(data);
        }
    }

    /** Receives items in key order; returning false stops the search. */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(Item item);
    }

    /** Every item in {@code [min, max]} of tree {@code treeId}, in key order. */
    public static List<Item> search(Path anyPath, long treeId, Key min, Key max) throws SyscallException {
        List<Item> out = new ArrayList<>();
        search(anyPath, treeId, min, max, 0, item -> out.add(item));
        return out;
    }

    /**
     * Visits every item in {@code [min, max]} of tree {@code treeId} held in tree blocks
     * written in transaction {@code minTransid} or later (0: all). Returns the ioctl calls made.
     */
    public static int search(Path anyPath, long treeId, Key min, Key max, long minTransid, Visitor visitor)
            throws SyscallException {
        try (Fd fd = Btrfs.openDir(anyPath)) {
            return search(fd, anyPath, treeId, min, max, minTransid, visitor);
        }
    }

    static int search(Fd fd, Path anyPath, long treeId, Key min, Key max, long minTransid, Visitor visitor)
            throws SyscallException {
        return search(fd, anyPath, treeId, min, max, minTransid, BUFFER, type -> true, visitor);
    }

    /**
     * As {@link #search(Path, long, Key, Key, long, Visitor)}, visiting only items of the types
     * {@code types} accepts: the range holds every type of the objectids inside it, and a
     * search of changed tree blocks returns whole blocks, so most items are skipped unread.
     */
    static int search(Fd fd, Path anyPath, long treeId, Key min, Key max, long minTransid, int buffer,
                      java.util.function.IntPredicate types, Visitor visitor) throws SyscallException {
        byte[] args = new byte[ARGS_HEADER + buffer];
        ByteBuffer b = Btrfs.le(args);
        Key from = min;
        int calls = 0;
        while (from != null && Long.compareUnsigned(from.objectId(), max.objectId()) <= 0) {
            java.util.Arrays.fill(args, 0, ARGS_HEADER, (byte) 0);
            b.putLong(0, treeId);
            b.putLong(8, from.objectId());
            b.putLong(16, max.objectId());
            b.putLong(24, from.offset());
            b.putLong(32, max.offset());
            b.putLong(40, minTransid);
            b.putLong(48, MAX);
            b.putInt(56, from.type());
            b.putInt(60, max.type());
            b.putInt(64, Integer.MAX_VALUE);
            b.putLong(KEY_SIZE, buffer);
            calls++;
            if (Library.LIBC.ioctl(fd.number(), TREE_SEARCH_V2, args) != 0) {
                throw SyscallException.last("ioctl(BTRFS_IOC_TREE_SEARCH_V2)", anyPath + "#tree " + Long.toUnsignedString(treeId));
            }
            int n = b.getInt(64);
            if (n == 0) return calls;
            int at = ARGS_HEADER;
            Key last = null;
            for (int i = 0; i < n; i++) {
                long transid = b.getLong(at);
                long objectId = b.getLong(at + 8);
                long offset = b.getLong(at + 16);
                int type = b.getInt(at + 24);
                int len = b.getInt(at + 28);
                int data = at + ITEM_HEADER;
                at += ITEM_HEADER + len;
                if (i == n - 1) last = new Key(objectId, type, offset);
                if (!types.test(type)) continue;
                byte[] bytes = java.util.Arrays.copyOfRange(args, data, data + len);
                if (!visitor.visit(new Item(transid, objectId, type, offset, bytes))) return calls;
            }
            from = last.next();
            if (from != null && compare(from, max) > 0) return calls;
        }
        return calls;
    }

    static int compare(Key a, Key b) {
        int c = Long.compareUnsigned(a.objectId(), b.objectId());
        if (c != 0) return c;
        c = Integer.compare(a.type(), b.type());
        return c != 0 ? c : Long.compareUnsigned(a.offset(), b.offset());
    }
}
