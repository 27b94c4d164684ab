package io.jstore.graph;

import java.io.IOException;
import io.jstore.layer.TarSplit;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Registers one layer tar: incomplete record, driver create + apply while digesting and
 * recording its tar-split (so an export can write the same bytes again), publish.
 */
final class Registrar {
    private final Graph graph;

    Registrar(Graph graph) {
        this.graph = graph;
    }

    LayerRecord register(String parent, InputStream tar, LayerSource source, boolean hold, Lease lease)
            throws IOException {
        GraphDb db = graph.db();
        if (source.diffId() != null) {
            Digests.check(source.diffId());
            // Known content: when its ChainID is already here, no driver work at all.
            String chain = Digests.chainId(parent, source.diffId());
            LayerRecord existing = db.write(t -> {
                Optional<LayerRecord> l = t.layer(chain);
                return l.isPresent() ? reference(t, l.get(), hold, lease) : null;
            });
            if (existing != null) return existing;
        }
        String cache = Graph.newCacheId();
        IncompleteRecord inc = IncompleteRecord.mine(cache, IncompleteRecord.Kind.LAYER, IncompleteRecord.Op.CREATING,
                parent, graph.driver().name());
        String parentCache = db.write(t -> {
            String pc = parent == null ? null : t.requireLayer(parent).cacheId();
            t.putIncomplete(inc);
            return pc;
        });
        CrashPoints.reach("layer.recorded");
        boolean published = false;
        try {
            graph.driver().create(cache, parentCache, Graph.createOptions());
            CrashPoints.reach("layer.created");
            // The blob digest covers the compressed bytes, the DiffID the plain tar: hash both in one read.
            DigestingInputStream blob = new DigestingInputStream(tar);
            DigestingInputStream in = new DigestingInputStream(Graph.plain(blob));
            TarSplit.Recorder split = new TarSplit.Recorder(in);
            graph.driver().applyDiff(cache, parentCache, split);
            split.transferTo(OutputStream.nullOutputStream());
            blob.drain();
            CrashPoints.reach("layer.applied");
            if (source.compressedDigest() != null) {
                String got = blob.digest();
                if (!got.equals(source.compressedDigest())) {
                    throw new GraphException.DigestMismatchException("layer blob", source.compressedDigest(), got);
                }
                if (source.compressedSize() > 0 && blob.count() != source.compressedSize()) {
                    throw new GraphException.DigestMismatchException("layer blob " + source.compressedDigest() + " size",
                            source.compressedSize() + " bytes", blob.count() + " bytes");
                }
            }
            String diffId = in.digest();
            if (source.diffId() != null && !source.diffId().equals(diffId)) {
                String what = "layer" + (source.compressedDigest() == null ? "" : " blob " + source.compressedDigest());
                throw new GraphException.DigestMismatchException(what + " (DiffID)", source.diffId(), diffId);
            }
            String chain = Digests.chainId(parent, diffId);
            byte[] recorded = split.split();
            LayerRecord fresh = new LayerRecord(chain, diffId, parent, graph.driver().name(), cache, in.count(),
                    source.compressedDigest(), source.compressedSize(), System.currentTimeMillis(), 0);
            LayerRecord result = db.write(t -> {
                Optional<LayerRecord> existing = t.layer(chain);
                if (existing.isPresent()) return reference(t, existing.get(), hold, lease); // another process won
                t.deleteIncomplete(inc);
                t.putLayer(fresh);
                if (recorded != null) t.putTarSplit(chain, recorded);
                return reference(t, fresh, hold, lease);
            });
            published = result.cacheId().equals(cache);
            CrashPoints.reach("layer.published");
            return result;
        } finally {
            if (!published) discard(graph, inc);
        }
    }

    /** Takes the caller's reference on {@code l} inside {@code t}; returns the record as stored. */
    private static LayerRecord reference(GraphTxn t, LayerRecord l, boolean hold, Lease lease) throws IOException {
        LayerRecord r = l;
        if (hold) {
            r = l.withRefCount(l.refCount() + 1);
            t.updateLayer(r);
        }
        if (lease != null) {
            Lease stored = t.lease(lease.id()).orElseThrow(() -> new GraphException.NotFoundException("lease", lease.id()));
            t.putLease(stored.with(l.chainId()));
        }
        return r;
    }

    /**
     * Removes a driver layer that will not be published, then its incomplete record. If the
     * driver fails here the record stays, and repair finishes the job once this process is gone.
     */
    static void discard(Graph graph, IncompleteRecord inc) {
        try {
            if (graph.driver().exists(inc.cacheId())) graph.driver().remove(inc.cacheId());
            graph.db().write(t -> {
                Containers.forget(t, inc);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            // Left for repair: the incomplete record still names the layer.
        }
    }
}
