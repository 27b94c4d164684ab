package io.jstore.linux;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inodes of a subvolume changed after a transaction, found the way
 * {@code btrfs subvolume find-new} finds them: a tree search that only descends into tree
 * blocks written since, so its cost follows the changes, not the size of the subvolume.
 *
 * <p>An inode counts as changed when its inode item's {@code transid} (the transaction that
 * last updated it: any write, truncate, chmod, chown, xattr change, link count or rename
 * bumps it) is newer than the given one. A deleted inode is simply absent; its name is gone
 * from a directory that is itself changed.
 */
public final class BtrfsChanges {
    private BtrfsChanges() {}

    // BTRFS_LAST_FREE_OBJECTID: objectids above it are reserved (orphans, free space, …)
    private static final long LAST_FREE_OBJECTID = -256L;
    // struct btrfs_inode_item: transid at 8, nlink at 40, mode at 52
    private static final int INODE_TRANSID = 8;
    private static final int INODE_NLINK = 40;
    private static final int INODE_MODE = 52;
    // struct btrfs_timespec atime {le64 sec; le32 nsec} at 112
    private static final int INODE_ATIME = 112;
    // inode numbers this close are read in one search of the snapshot source
    private static final long RUN_GAP = 16;

    /** A name of an inode: the directory inode holding it and the name there. */
    public record Name(long dirInode, String name) {}

    /** A changed inode with its mode, link count, the transaction that changed it, and every name it has. */
    public record Inode(long inode, long transid, int mode, int nlink, List<Name> names) {
        public boolean isDirectory() {
            return (mode & FileStat.S_IFMT) == FileStat.S_IFDIR;
        }
    }

    /**
     * The changed inodes in inode order, and what finding them cost: whether the running
     * transaction had to be committed first, ioctl calls and items read.
     */
    public record Scan(List<Inode> inodes, boolean committed, int searchCalls, long itemsRead) {}

    /**
     * The inodes of the subvolume rooted at {@code subvolume} changed after transaction
     * {@code generation}. Commits the running transaction first ({@link Btrfs#sync}) if it
     * changed the subvolume ({@link Btrfs#changesCommitted}): until then btrfs keeps inode and
     * directory updates in memory, out of the trees it searches. A commit costs a flush of the
     * device, so the writes of others (and the store's own files) are left to the next one.
     */
    public static Scan since(Path subvolume, long generation) throws SyscallException {
        return since(subvolume, generation, 0);
    }

    /**
     * As {@link #since(Path, long)} for a snapshot of subvolume {@code sourceTree} (0: none):
     * an inode whose item differs from the source's only in its atime (and so its transid)
     * was read, not changed, and is left out. Reading is what containers mostly do, and with
     * {@code relatime} the first read of a file after an apply or a write stamps its atime.
     */
    public static Scan since(Path subvolume, long generation, long sourceTree) throws SyscallException {
        boolean commit = !Btrfs.changesCommitted(subvolume);
        if (commit) Btrfs.sync(subvolume);
        Map<Long, Inode> changed = new LinkedHashMap<>();
        Map<Long, byte[]> raw = new HashMap<>();
        long[] items = {0};
        int calls;
        try (Fd fd = Btrfs.openDir(subvolume)) {
            calls = BtrfsTree.search(fd, subvolume, BtrfsTree.OWN_SUBVOLUME,
                    new BtrfsTree.Key(Btrfs.SUBVOLUME_ROOT_INODE, BtrfsTree.INODE_ITEM, 0),
                    new BtrfsTree.Key(LAST_FREE_OBJECTID, BtrfsTree.INODE_EXTREF, BtrfsTree.MAX),
                    generation + 1, BtrfsTree.BUFFER, BtrfsChanges::inodeOrName, item -> {
                        items[0]++;
                        collect(item, generation, changed, raw);
                        return true;
                    });
            if (sourceTree != 0) calls += dropReadOnly(fd, subvolume, sourceTree, changed, raw, items);
            // A name item may sit in an older tree block than its inode item, which the
            // search skipped; the link count says whether every name was seen.
            for (Map.Entry<Long, Inode> e : changed.entrySet()) {
                Inode i = e.getValue();
                if (i.inode() == Btrfs.SUBVOLUME_ROOT_INODE) continue;
                int expected = i.isDirectory() ? 1 : i.nlink();
                if (i.names().size() >= expected) continue;
                i.names().clear();
                calls += BtrfsTree.search(fd, subvolume, BtrfsTree.OWN_SUBVOLUME,
                        new BtrfsTree.Key(i.inode(), BtrfsTree.INODE_REF, 0),
                        new BtrfsTree.Key(i.inode(), BtrfsTree.INODE_EXTREF, BtrfsTree.MAX), 0, BtrfsTree.SMALL_BUFFER,
                        type -> true, item -> {
                            items[0]++;
                            names(item, i.names());
                            return true;
                        });
            }
        }
        List<Inode> out = new ArrayList<>(changed.size());
        for (Inode i : changed.values()) out.add(new Inode(i.inode(), i.transid(), i.mode(), i.nlink(), List.copyOf(i.names())));
        return new Scan(out, commit, calls, items[0]);
    }

    /** Every name of inode {@code inode} of the subvolume rooted at {@code subvolume} (its inode and extended refs). */
    public static List<Name> namesOf(Path subvolume, long inode) throws SyscallException {
        List<Name> out = new ArrayList<>();
        BtrfsTree.search(subvolume, BtrfsTree.OWN_SUBVOLUME, new BtrfsTree.Key(inode, BtrfsTree.INODE_REF, 0),
                new BtrfsTree.Key(inode, BtrfsTree.INODE_EXTREF, BtrfsTree.MAX), 0, item -> {
                    names(item, out);
                    return true;
                });
        return out;
    }

    /** Drops the inodes whose item equals the source tree's item of the same number but for transid and atime. */
    private static int dropReadOnly(Fd fd, Path subvolume, long sourceTree, Map<Long, Inode> changed,
                                    Map<Long, byte[]> raw, long[] items) throws SyscallException {
        // one search per run of nearby inode numbers: files made together sit together
        List<Long> inodes = new ArrayList<>(changed.keySet());
        Map<Long, byte[]> source = new HashMap<>();
        int calls = 0;
        for (int from = 0; from < inodes.size(); ) {
            int to = from;
            while (to + 1 < inodes.size() && inodes.get(to + 1) - inodes.get(to) <= RUN_GAP) to++;
            calls += BtrfsTree.search(fd, subvolume, sourceTree, new BtrfsTree.Key(inodes.get(from), BtrfsTree.INODE_ITEM, 0),
                    new BtrfsTree.Key(inodes.get(to), BtrfsTree.INODE_ITEM, 0), 0, BtrfsTree.SMALL_BUFFER,
                    type -> type == BtrfsTree.INODE_ITEM,
                    item -> {
                        items[0]++;
                        source.put(item.objectId(), item.data());
                        return true;
                    });
            from = to + 1;
        }
        changed.keySet().removeIf(ino -> source.containsKey(ino) && sameButAtime(raw.get(ino), source.get(ino)));
        return calls;
    }

    private static boolean sameButAtime(byte[] a, byte[] b) {
        if (a.length != b.length) return false;
        for (int i = 0; i < a.length; i++) {
            boolean transid = i >= INODE_TRANSID && i < INODE_TRANSID + 8;
            boolean atime = i >= INODE_ATIME && i < INODE_ATIME + 12;
            if (!transid && !atime && a[i] != b[i]) return false;
        }
        return true;
    }

    private static boolean inodeOrName(int type) {
        return type == BtrfsTree.INODE_ITEM || type == BtrfsTree.INODE_REF || type == BtrfsTree.INODE_EXTREF;
    }

    private static void collect(BtrfsTree.Item item, long generation, Map<Long, Inode> changed, Map<Long, byte[]> raw) {
        if (item.type() == BtrfsTree.INODE_ITEM) {
            ByteBuffer b = item.buffer();
            long transid = b.getLong(INODE_TRANSID);
            if (Long.compareUnsigned(transid, generation) > 0) {
                changed.put(item.objectId(), new Inode(item.objectId(), transid, b.getInt(INODE_MODE),
                        b.getInt(INODE_NLINK), new ArrayList<>()));
                raw.put(item.objectId(), item.data());
            }
        } else if (item.type() == BtrfsTree.INODE_REF || item.type() == BtrfsTree.INODE_EXTREF) {
            Inode i = changed.get(item.objectId());
            if (i != null && i.inode() != Btrfs.SUBVOLUME_ROOT_INODE) names(item, i.names());
        }
    }

    /** Decodes an INODE_REF (names in directory {@code key.offset}) or INODE_EXTREF (each with its directory). */
    private static void names(BtrfsTree.Item item, List<Name> out) {
        ByteBuffer b = item.buffer();
        byte[] d = item.data();
        int at = 0;
        while (at < d.length) {
            long dir;
            if (item.type() == BtrfsTree.INODE_REF) {
                // struct btrfs_inode_ref {u64 index; u16 name_len;} name
                dir = item.offset();
                at += 8;
            } else if (item.type() == BtrfsTree.INODE_EXTREF) {
                // struct btrfs_inode_extref {u64 parent_objectid; u64 index; u16 name_len;} name
                dir = b.getLong(at);
                at += 16;
            } else {
                return;
            }
            int len = b.getShort(at) & 0xFFFF;
            at += 2;
            out.add(new Name(dir, new String(d, at, len, StandardCharsets.UTF_8)));
            at += len;
        }
    }
}
