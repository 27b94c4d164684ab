package io.jstore.graph;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.lmdbjava.Cursor;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.GetOp;
import org.lmdbjava.SeekOp;
import org.lmdbjava.Txn;

/**
 * Typed access to the named databases inside one LMDB transaction. A read transaction sees
 * one consistent snapshot; a write transaction's changes all land at commit or none do. The
 * secondary indexes (cache id → ChainID, children by parent) are kept by {@link #putLayer}
 * and {@link #deleteLayer} here and nowhere else.
 */
public final class GraphTxn {
    /** Child entries for layers still being created are marked so they never look like a ChainID. */
    static final String INCOMPLETE_CHILD = "incomplete:";

    private final GraphDb db;
    private Txn<ByteBuffer> txn; // null while a lazy read has needed no LMDB
    private LayerCache.Generation cachedLayers;
    private boolean cacheChecked;
    private boolean answeredWithoutTxn;
    private boolean stale;

    GraphTxn(GraphDb db, Txn<ByteBuffer> txn) {
        this.db = db;
        this.txn = txn;
    }

    /**
     * A lazy read: {@code newest} (the layer lookups of the newest commit) answers what it can
     * and the LMDB read transaction begins at the first question it cannot. If a commit landed
     * in between and something was already answered, the answers and the transaction would be of
     * two snapshots: the view is then stale and {@link GraphDb#read} runs the function again.
     */
    GraphTxn(GraphDb db, LayerCache.Generation newest) {
        this.db = db;
        this.cachedLayers = newest;
        this.cacheChecked = true;
    }

    /** Thrown through a read function whose view went stale; {@link GraphDb#read} runs it again. */
    static final class StaleView extends RuntimeException {
        private static final StaleView INSTANCE = new StaleView();

        private StaleView() {
            super("a commit landed inside a lazy read", null, false, false);
        }
    }

    /** A lazy read's transaction could not begin; {@link GraphDb#read} throws the cause. */
    static final class BeginFailed extends RuntimeException {
        BeginFailed(GraphException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        @Override
        public synchronized GraphException getCause() {
            return (GraphException) super.getCause();
        }
    }

    boolean stale() {
        return stale;
    }

    /** The lazy read's transaction, if it began; {@link GraphDb#read} releases it. */
    Txn<ByteBuffer> begun() {
        return txn;
    }

    private Txn<ByteBuffer> txn() {
        if (txn != null) return txn;
        if (stale) throw StaleView.INSTANCE;
        try {
            txn = db.beginLazyRead();
        } catch (GraphException e) {
            throw new BeginFailed(e);
        }
        long id = txn.getId();
        if (id != cachedLayers.txnId) {
            if (answeredWithoutTxn) {
                stale = true;
                throw StaleView.INSTANCE;
            }
            cachedLayers = db.layerCache.of(id);
        }
        return txn;
    }

    // ---- layers

    public Optional<LayerRecord> layer(String chainId) throws GraphException.CorruptException {
        return Optional.ofNullable(find(chainId));
    }

    /** The layer or {@link GraphException.NotFoundException}. */
    public LayerRecord requireLayer(String chainId) throws GraphException {
        LayerRecord r = find(chainId);
        if (r == null) throw new GraphException.NotFoundException("layer", chainId);
        return r;
    }

    private LayerRecord find(String chainId) throws GraphException.CorruptException {
        LayerCache.Generation cached = cachedLayers();
        if (cached != null) {
            Object r = cached.get(chainId);
            if (r != null) {
                if (txn == null) answeredWithoutTxn = true;
                return r == LayerCache.MISSING ? null : (LayerRecord) r;
            }
        }
        txn();
        cached = cachedLayers(); // a lazy read's transaction may be of a newer snapshot
        byte[] v = get(db.layers, chainId);
        LayerRecord r = v == null ? null : Codec.layer(v);
        if (cached != null) cached.remember(chainId, r == null ? LayerCache.MISSING : r);
        return r;
    }

    private LayerCache.Generation cachedLayers() {
        if (!cacheChecked) {
            cachedLayers = txn.isReadOnly() ? db.layerCache.of(txn.getId()) : null;
            cacheChecked = true;
        }
        return cachedLayers;
    }

    /** Who owns a driver layer: a ChainID, or {@code container:<id>} for a container's read-write layer
     * ({@code container-init:<id>} for its {@link InitLayer}). */
    public Optional<String> cacheOwner(String cacheId) {
        byte[] v = get(db.cache, cacheId);
        return v == null ? Optional.empty() : Optional.of(Codec.string(v));
    }

    public List<LayerRecord> layers() throws GraphException.CorruptException {
        List<LayerRecord> out = new ArrayList<>();
        try (CursorIterable<ByteBuffer> it = db.layers.iterate(txn())) {
            for (CursorIterable.KeyVal<ByteBuffer> kv : it) out.add(Codec.layer(Buffers.bytes(kv.val())));
        }
        return out;
    }

    /** Children of a layer: ChainIDs of complete ones and {@code incomplete:<cacheId>} for ones being made. */
    public List<String> children(String chainId) {
        List<String> out = new ArrayList<>();
        try (Cursor<ByteBuffer> c = db.children.openCursor(txn())) {
            if (c.get(Buffers.key(chainId), GetOp.MDB_SET_KEY)) {
                do {
                    out.add(Codec.string(Buffers.bytes(c.val())));
                } while (c.seek(SeekOp.MDB_NEXT_DUP));
            }
        }
        return out;
    }

    /** Walks from {@code chainId} down to its base layer, top first. */
    public List<LayerRecord> chain(String chainId) throws GraphException {
        List<LayerRecord> out = new ArrayList<>();
        for (String at = chainId; at != null; ) {
            LayerRecord r = find(at);
            if (r == null) {
                throw new GraphException.CorruptException("layer chain of " + chainId + " is broken: no record for "
                        + out.size() + "-th parent");
            }
            out.add(r);
            at = r.parent();
            if (out.size() > 100_000) throw new GraphException.CorruptException("layer chain of " + chainId + " loops");
        }
        return out;
    }

    public void putLayer(LayerRecord r) {
        db.layers.put(txn(), Buffers.key(r.chainId()), Buffers.val(Codec.layer(r)));
        db.cache.put(txn(), Buffers.key(r.cacheId()), Buffers.val(r.chainId()));
        if (r.parent() != null) db.children.put(txn(), Buffers.key(r.parent()), Buffers.val(r.chainId()));
    }

    /** Changes only the reference count; the indexes do not move. */
    public void updateLayer(LayerRecord r) {
        db.layers.put(txn(), Buffers.key(r.chainId()), Buffers.val(Codec.layer(r)));
    }

    public void deleteLayer(LayerRecord r) {
        db.layers.delete(txn(), Buffers.key(r.chainId()));
        db.splits.delete(txn(), Buffers.key(r.chainId()));
        db.cache.delete(txn(), Buffers.key(r.cacheId()));
        if (r.parent() != null) db.children.delete(txn(), Buffers.key(r.parent()), Buffers.val(r.chainId()));
    }

    /** The tar-split ({@link io.jstore.layer.TarSplit}) of the tar the layer was applied from, if it was kept. */
    public Optional<byte[]> tarSplit(String chainId) {
        return Optional.ofNullable(get(db.splits, chainId));
    }

    /** Kept beside the layer's record and deleted with it. */
    public void putTarSplit(String chainId, byte[] split) {
        db.splits.put(txn(), Buffers.key(chainId), Buffers.val(split));
    }

    // ---- work in progress

    public Optional<IncompleteRecord> incomplete(String cacheId) throws GraphException.CorruptException {
        byte[] v = get(db.incomplete, cacheId);
        return v == null ? Optional.empty() : Optional.of(Codec.incomplete(v));
    }

    public List<IncompleteRecord> incompletes() throws GraphException.CorruptException {
        List<IncompleteRecord> out = new ArrayList<>();
        try (CursorIterable<ByteBuffer> it = db.incomplete.iterate(txn())) {
            for (CursorIterable.KeyVal<ByteBuffer> kv : it) out.add(Codec.incomplete(Buffers.bytes(kv.val())));
        }
        return out;
    }

    /** Records work in progress; a parent named in it is held as a child entry so GC leaves it alone. */
    public void putIncomplete(IncompleteRecord r) {
        db.incomplete.put(txn(), Buffers.key(r.cacheId()), Buffers.val(Codec.incomplete(r)));
        if (r.parentChainId() != null) {
            db.children.put(txn(), Buffers.key(r.parentChainId()), Buffers.val(INCOMPLETE_CHILD + r.cacheId()));
        }
    }

    public void deleteIncomplete(IncompleteRecord r) {
        db.incomplete.delete(txn(), Buffers.key(r.cacheId()));
        if (r.parentChainId() != null) {
            db.children.delete(txn(), Buffers.key(r.parentChainId()), Buffers.val(INCOMPLETE_CHILD + r.cacheId()));
        }
    }

    // ---- images and names

    public Optional<ImageRecord> image(String id) throws GraphException.CorruptException {
        byte[] v = get(db.images, id);
        return v == null ? Optional.empty() : Optional.of(Codec.image(v));
    }

    public List<ImageRecord> images() throws GraphException.CorruptException {
        List<ImageRecord> out = new ArrayList<>();
        try (CursorIterable<ByteBuffer> it = db.images.iterate(txn())) {
            for (CursorIterable.KeyVal<ByteBuffer> kv : it) out.add(Codec.image(Buffers.bytes(kv.val())));
        }
        return out;
    }

    public void putImage(ImageRecord r) {
        db.images.put(txn(), Buffers.key(r.id()), Buffers.val(Codec.image(r)));
    }

    public void deleteImage(String id) {
        db.images.delete(txn(), Buffers.key(id));
    }

    public Optional<String> imageOfName(String name) {
        byte[] v = get(db.names, name);
        return v == null ? Optional.empty() : Optional.of(Codec.string(v));
    }

    /** All names, each with the image id it points to, sorted by name. */
    public List<String[]> names() {
        List<String[]> out = new ArrayList<>();
        try (CursorIterable<ByteBuffer> it = db.names.iterate(txn())) {
            for (CursorIterable.KeyVal<ByteBuffer> kv : it) out.add(new String[] {Codec.string(Buffers.bytes(kv.key())), Codec.string(Buffers.bytes(kv.val()))});
        }
        return out;
    }

    public List<String> namesOf(String imageId) {
        List<String> out = new ArrayList<>();
        for (String[] n : names()) if (n[1].equals(imageId)) out.add(n[0]);
        return out;
    }

    public void putName(String name, String imageId) {
        db.names.put(txn(), Buffers.key(name), Buffers.val(imageId));
    }

    public void deleteName(String name) {
        db.names.delete(txn(), Buffers.key(name));
    }

    // ---- containers

    public Optional<ContainerRecord> container(String id) throws GraphException.CorruptException {
        byte[] v = get(db.containers, id);
        return v == null ? Optional.empty() : Optional.of(Codec.container(v));
    }

    public List<ContainerRecord> containers() throws GraphException.CorruptException {
        List<ContainerRecord> out = new ArrayList<>();
        try (CursorIterable<ByteBuffer> it = db.containers.iterate(txn())) {
            for (CursorIterable.KeyVal<ByteBuffer> kv : it) out.add(Codec.container(Buffers.bytes(kv.val())));
        }
        return out;
    }

    /** Also indexes the container's cache id, so fsck recognises its driver layer. */
    public void putContainer(ContainerRecord r) {
        db.containers.put(txn(), Buffers.key(r.id()), Buffers.val(Codec.container(r)));
        db.cache.put(txn(), Buffers.key(r.cacheId()), Buffers.val("container:" + r.id()));
        db.cache.put(txn(), Buffers.key(InitLayer.idOf(r.cacheId())), Buffers.val("container-init:" + r.id()));
    }

    public void deleteContainer(ContainerRecord r) {
        db.containers.delete(txn(), Buffers.key(r.id()));
        db.cache.delete(txn(), Buffers.key(r.cacheId()));
        db.cache.delete(txn(), Buffers.key(InitLayer.idOf(r.cacheId())));
    }

    // ---- mounts

    public Optional<MountRecord> mounts(String cacheId) throws GraphException.CorruptException {
        byte[] v = get(db.mounts, cacheId);
        return v == null ? Optional.empty() : Optional.of(Codec.mounts(v));
    }

    public List<MountRecord> allMounts() throws GraphException.CorruptException {
        List<MountRecord> out = new ArrayList<>();
        try (CursorIterable<ByteBuffer> it = db.mounts.iterate(txn())) {
            for (CursorIterable.KeyVal<ByteBuffer> kv : it) out.add(Codec.mounts(Buffers.bytes(kv.val())));
        }
        return out;
    }

    /** Stores the holders, or deletes the entry when there are none. */
    public void putMounts(MountRecord r) {
        if (r.holders().isEmpty()) db.mounts.delete(txn(), Buffers.key(r.cacheId()));
        else db.mounts.put(txn(), Buffers.key(r.cacheId()), Buffers.val(Codec.mounts(r)));
    }

    // ---- leases

    public List<Lease> leases() throws GraphException.CorruptException {
        List<Lease> out = new ArrayList<>();
        try (CursorIterable<ByteBuffer> it = db.leases.iterate(txn())) {
            for (CursorIterable.KeyVal<ByteBuffer> kv : it) out.add(Codec.lease(Buffers.bytes(kv.val())));
        }
        return out;
    }

    public Optional<Lease> lease(String id) throws GraphException.CorruptException {
        byte[] v = get(db.leases, id);
        return v == null ? Optional.empty() : Optional.of(Codec.lease(v));
    }

    public void putLease(Lease l) {
        db.leases.put(txn(), Buffers.key(l.id()), Buffers.val(Codec.lease(l)));
    }

    public void deleteLease(String id) {
        db.leases.delete(txn(), Buffers.key(id));
    }

    // ---- store facts

    public Optional<String> meta(String key) {
        byte[] v = get(db.meta, key);
        return v == null ? Optional.empty() : Optional.of(Codec.string(v));
    }

    public void putMeta(String key, String value) {
        db.meta.put(txn(), Buffers.key(key), Buffers.val(value));
    }

    static boolean exists(Dbi<ByteBuffer> dbi, Txn<ByteBuffer> txn, String key) {
        return dbi.get(txn, Buffers.key(key)) != null;
    }

    private byte[] get(Dbi<ByteBuffer> dbi, String key) {
        ByteBuffer v = dbi.get(txn(), Buffers.key(key));
        return v == null ? null : Buffers.bytes(v);
    }
}
