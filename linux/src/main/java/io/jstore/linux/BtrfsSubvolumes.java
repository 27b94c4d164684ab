package io.jstore.linux;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the tree of tree roots says about subvolumes: a subvolume's generations, uuids and
 * where it hangs ({@code ROOT_ITEM} and {@code ROOT_BACKREF}), and the subvolumes nested in
 * one ({@code ROOT_REF}). Read with {@link BtrfsTree}, so CAP_SYS_ADMIN is needed.
 */
public final class BtrfsSubvolumes {
    private BtrfsSubvolumes() {}

    // struct btrfs_root_item (packed): a 160-byte inode item, then these
    private static final int ROOT_GENERATION = 160;
    private static final int ROOT_FLAGS = 208;
    private static final int ROOT_UUID = 247;
    private static final int ROOT_PARENT_UUID = 263;
    private static final int ROOT_CTRANSID = 295;
    private static final int ROOT_OTRANSID = 303;
    private static final int ROOT_ITEM_V2_SIZE = 311;
    private static final long ROOT_SUBVOL_RDONLY = 1;
    // struct btrfs_root_ref (packed): u64 dirid, u64 sequence, u16 name_len, name
    private static final int REF_NAME = 18;

    /**
     * One subvolume. {@code generation}: the last transaction that changed its tree;
     * {@code createdTransid} (otransid): the transaction that made it, for a snapshot the one
     * whose state of the source it holds; {@code changedTransid} (ctransid): the last
     * transaction that changed an inode in it. {@code parentUuid} is the snapshot source's
     * uuid (null for a plain subvolume); {@code parentTree} and {@code dirInode} say which
     * directory of which subvolume holds it (0 for the top level).
     */
    public record Info(long id, long generation, long createdTransid, long changedTransid, boolean readOnly,
                       UUID uuid, UUID parentUuid, long parentTree, long dirInode, String name) {}

    /** A subvolume directly inside another, at {@code path} relative to the outer one's root. */
    public record Nested(long id, String path) {}

    /** The subvolume whose root is (or which holds) {@code path}. */
    public static Info info(Path path) throws SyscallException {
        long id = Btrfs.subvolumeId(path);
        return info(path, id).orElseThrow(() ->
                SyscallException.of("tree search(ROOT_ITEM " + id + ")", Errno.ENOENT, path));
    }

    /** Subvolume {@code id} of the filesystem holding {@code anyPath}, if it exists. */
    public static Optional<Info> info(Path anyPath, long id) throws SyscallException {
        List<BtrfsTree.Item> roots = BtrfsTree.search(anyPath, BtrfsTree.ROOT_TREE,
                new BtrfsTree.Key(id, BtrfsTree.ROOT_ITEM, 0), new BtrfsTree.Key(id, BtrfsTree.ROOT_BACKREF, BtrfsTree.MAX));
        BtrfsTree.Item root = null;
        BtrfsTree.Item backref = null;
        for (BtrfsTree.Item i : roots) {
            if (i.type() == BtrfsTree.ROOT_ITEM) root = i; // a snapshot's key offset is its creation transid: take the last
            if (i.type() == BtrfsTree.ROOT_BACKREF && backref == null) backref = i;
        }
        if (root == null) return Optional.empty();
        ByteBuffer r = root.buffer();
        boolean v2 = root.data().length >= ROOT_ITEM_V2_SIZE;
        long parentTree = 0;
        long dirInode = 0;
        String name = "";
        if (backref != null) {
            ByteBuffer b = backref.buffer();
            parentTree = backref.offset();
            dirInode = b.getLong(0);
            name = new String(backref.data(), REF_NAME, b.getShort(16) & 0xFFFF, StandardCharsets.UTF_8);
        }
        return Optional.of(new Info(id, r.getLong(ROOT_GENERATION),
                v2 ? r.getLong(ROOT_OTRANSID) : 0, v2 ? r.getLong(ROOT_CTRANSID) : 0,
                (r.getLong(ROOT_FLAGS) & ROOT_SUBVOL_RDONLY) != 0,
                v2 ? uuid(r, ROOT_UUID) : null, v2 ? uuid(r, ROOT_PARENT_UUID) : null,
                parentTree, dirInode, name));
    }

    /** The subvolumes directly inside {@code subvolume} (not theirs), by id. */
    public static List<Nested> nested(Path subvolume) throws SyscallException {
        long id = Btrfs.subvolumeId(subvolume);
        List<Nested> out = new ArrayList<>();
        for (BtrfsTree.Item ref : BtrfsTree.search(subvolume, BtrfsTree.ROOT_TREE,
                new BtrfsTree.Key(id, BtrfsTree.ROOT_REF, 0), new BtrfsTree.Key(id, BtrfsTree.ROOT_REF, BtrfsTree.MAX))) {
            if (ref.type() != BtrfsTree.ROOT_REF) continue;
            ByteBuffer b = ref.buffer();
            String name = new String(ref.data(), REF_NAME, b.getShort(16) & 0xFFFF, StandardCharsets.UTF_8);
            out.add(new Nested(ref.offset(), Btrfs.directoryPath(subvolume, id, b.getLong(0)) + name));
        }
        return out;
    }

    private static UUID uuid(ByteBuffer b, int at) {
        // btrfs stores uuids as 16 raw bytes in their printed order
        long hi = Long.reverseBytes(b.getLong(at));
        long lo = Long.reverseBytes(b.getLong(at + 8));
        return hi == 0 && lo == 0 ? null : new UUID(hi, lo);
    }
}
