package io.jstore.graph;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mounts through the graph. The reference is recorded <em>before</em> the driver mounts, in a
 * transaction that checks the layer still exists: a removal claims a layer only in a
 * transaction that sees no live mount record, so the two can never both win. A crash after
 * the record and before the mount leaves a holder that repair drops once its process is dead.
 */
final class Mounter {
    private final Graph graph;

    Mounter(Graph graph) {
        this.graph = graph;
    }

    /**
     * A detached mount ({@code jstore mount}, the driver's {@code getDetached}) is recorded as
     * this process's first and handed to the store only once the driver has mounted, so a crash in between leaves a dead
     * process's holder (dropped by repair), never a store holder with no mount behind it.
     */
    Path mount(String cacheId, boolean detached) throws IOException {
        MountRecord.Holder holder = MountRecord.Holder.self();
        graph.db().write(t -> {
            if (t.cacheOwner(cacheId).isEmpty()) throw new GraphException.NotFoundException("layer", cacheId);
            // another process's work in progress (an ephemeral run's layer) may go without a claim
            Optional<IncompleteRecord> inc = t.incomplete(cacheId);
            if (inc.isPresent() && inc.get().ownerAlive() && inc.get().ownerPid() != Owners.selfPid()) {
                throw new GraphException.InUseException("layer", cacheId, "process " + inc.get().ownerPid() + " is at work on it");
            }
            MountRecord m = t.mounts(cacheId).orElse(new MountRecord(cacheId, List.of()));
            List<MountRecord.Holder> hs = new ArrayList<>(m.holders());
            hs.add(holder);
            t.putMounts(new MountRecord(cacheId, hs));
            return null;
        });
        CrashPoints.reach("mount.recorded");
        Path root;
        try {
            root = detached ? graph.driver().getDetached(cacheId) : graph.driver().get(cacheId);
        } catch (IOException | RuntimeException e) {
            drop(cacheId, holder);
            throw e;
        }
        if (detached) {
            graph.db().write(t -> {
                List<MountRecord.Holder> hs = new ArrayList<>(t.mounts(cacheId).orElseThrow().holders());
                hs.remove(holder);
                hs.add(MountRecord.Holder.STORE);
                t.putMounts(new MountRecord(cacheId, hs));
                return null;
            });
        }
        return root;
    }

    /**
     * Drops one reference: this process's own if it has one, else one a {@code jstore mount}
     * left for the store. The driver's reference goes after the record (a crash in between
     * leaves the driver holding one reference too many, which {@code cleanup} clears; never
     * a record without a mount behind it that would let GC remove a mounted layer).
     */
    void unmount(String cacheId) throws IOException {
        boolean detached = graph.db().write(t -> {
            MountRecord m = t.mounts(cacheId).orElse(new MountRecord(cacheId, List.of()));
            List<MountRecord.Holder> hs = new ArrayList<>(m.holders());
            boolean store = !hs.remove(MountRecord.Holder.self());
            if (store && !hs.remove(MountRecord.Holder.STORE)) throw new GraphException.NotFoundException("mount of", cacheId);
            t.putMounts(new MountRecord(cacheId, hs));
            return store;
        });
        if (detached) graph.driver().putDetached(cacheId);
        else graph.driver().put(cacheId);
    }

    private void drop(String cacheId, MountRecord.Holder holder) {
        try {
            graph.db().write(t -> {
                t.mounts(cacheId).ifPresent(m -> {
                    List<MountRecord.Holder> hs = new ArrayList<>(m.holders());
                    hs.remove(holder);
                    t.putMounts(new MountRecord(cacheId, hs));
                });
                return null;
            });
        } catch (IOException | RuntimeException e) {
            // A process-owned record dies with the process; repair drops it.
        }
    }

    /** Fails when a live process (or the store, for a {@code jstore mount}) holds {@code cacheId} mounted. */
    static void checkNotMounted(GraphTxn t, String what, String ref, String cacheId) throws IOException {
        var m = t.mounts(cacheId);
        if (m.isPresent()) {
            long live = m.get().holders().stream().filter(MountRecord.Holder::alive).count();
            if (live > 0) throw new GraphException.InUseException(what, ref, "mounted " + live + " time(s)");
        }
    }
}
