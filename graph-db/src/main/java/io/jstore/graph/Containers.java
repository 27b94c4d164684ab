package io.jstore.graph;

import io.jstore.driver.LayerIds;
import io.jstore.driver.support.ProcessIdentity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Container records and their layers (the {@link InitLayer} on the image's top, the read-write
 * layer on that), under the same crash protocol as layers: both ids are named by incomplete
 * records before the driver makes either, so repair removes whatever a crash left.
 */
final class Containers {
    private final Graph graph;

    Containers(Graph graph) {
        this.graph = graph;
    }

    /**
     * On an image's top layer ({@code imageRef}), else on the layer {@code chainId}, else on
     * nothing; {@code withInit} puts the {@link InitLayer} between. Without it the read-write
     * layer sits right on the base (containerd's snapshots: what is written there is a layer's
     * content, and containerd's runtime makes its own mount points). {@code ephemeral} makes
     * both layers so ({@link io.jstore.driver.CreateOptions#ephemeral()}).
     *
     * <p>The record, the base's reference and the incomplete records of both driver layers are
     * one commit, made before the driver is touched: a crash before the publishing commit
     * leaves incomplete records of a dead owner, and forgetting those forgets the record too
     * ({@link #forget}). With {@code runner} (the process about to run the container) that
     * process also holds it running, and the container stays unpublished until
     * {@link #handOver}, which a run must commit anyway: a run's start costs two commits, not six.
     */
    ContainerRecord create(String id, String imageRef, String chainId, Map<String, String> config, boolean withInit,
                           boolean ephemeral, ProcessIdentity runner) throws IOException {
        LayerIds.check(id);
        String cache = Graph.newCacheId();
        String init = InitLayer.idOf(cache);
        String driver = graph.driver().name();
        ContainerRecord[] rec = new ContainerRecord[1];
        IncompleteRecord[] incs = new IncompleteRecord[2];
        String baseCache = graph.db().write(t -> {
            if (t.container(id).isPresent()) throw new GraphException.ConflictException("container " + id + " exists");
            String imageId = null;
            String base = chainId;
            if (imageRef != null) {
                ImageRecord img = Refs.image(t, imageRef);
                imageId = img.id();
                base = img.topChainId();
            }
            LayerRecord l = base == null ? null : t.requireLayer(base);
            incs[0] = IncompleteRecord.mine(cache, IncompleteRecord.Kind.CONTAINER, IncompleteRecord.Op.CREATING, base, driver);
            incs[1] = withInit ? IncompleteRecord.mine(init, IncompleteRecord.Kind.CONTAINER,
                    IncompleteRecord.Op.CREATING, base, driver) : null;
            for (IncompleteRecord inc : incs) if (inc != null) t.putIncomplete(inc);
            rec[0] = new ContainerRecord(id, cache, imageId, base, System.currentTimeMillis(), "created", config);
            t.putContainer(rec[0]);
            if (l != null) t.updateLayer(l.withRefCount(l.refCount() + 1));
            if (runner != null) putHold(t, id, runner);
            return l == null ? null : l.cacheId();
        });
        CrashPoints.reach("container.recorded");
        boolean done = false;
        try {
            if (withInit) {
                graph.driver().createReadWrite(init, baseCache, Graph.createOptions().withEphemeral(ephemeral));
                Path root = graph.driver().get(init);
                try {
                    InitLayer.populate(root);
                } finally {
                    graph.driver().put(init);
                }
                CrashPoints.reach("container.init");
            }
            graph.driver().createReadWrite(cache, withInit ? init : baseCache, Graph.createOptions().withEphemeral(ephemeral));
            CrashPoints.reach("container.created");
            if (runner == null) publish(id, null);
            done = true;
            return rec[0];
        } finally {
            if (!done) {
                Registrar.discard(graph, incs[0]); // the child before its parent
                if (incs[1] != null) Registrar.discard(graph, incs[1]);
            }
        }
    }

    /**
     * Hands the runner's hold on a container {@link #create} left to it (its layers are complete)
     * to {@code supervisor} (none when it is null: the container has already ended) and marks
     * it running, in one commit that also publishes it unless it is {@code ephemeral}. An
     * ephemeral container stays this process's work in progress for its whole life: repair
     * keeps it while its supervisor lives and forgets it once both are gone, and its removal
     * ({@link #remove}) is the driver's work and one commit.
     */
    void handOver(String id, ProcessIdentity supervisor, boolean ephemeral) throws IOException {
        GraphDb.WriteFn<Void> hand = t -> {
            release(t, id, ProcessIdentity.self());
            if (supervisor != null) putHold(t, id, supervisor);
            t.putContainer(t.container(id).orElseThrow(() -> new GraphException.NotFoundException("container", id))
                    .withState("running"));
            return null;
        };
        if (!ephemeral) {
            publish(id, hand);
            return;
        }
        graph.db().write(hand);
        CrashPoints.reach("container.published");
    }

    /** Deletes the creating records of a container's layers, and does {@code also}, in one commit. */
    private void publish(String id, GraphDb.WriteFn<?> also) throws IOException {
        graph.db().write(t -> {
            ContainerRecord c = t.container(id).orElseThrow(() -> new GraphException.NotFoundException("container", id));
            for (String cache : List.of(c.cacheId(), InitLayer.idOf(c.cacheId()))) {
                Optional<IncompleteRecord> inc = t.incomplete(cache);
                if (inc.isPresent() && inc.get().op() == IncompleteRecord.Op.CREATING) t.deleteIncomplete(inc.get());
            }
            if (also != null) also.apply(t);
            return null;
        });
        CrashPoints.reach("container.published");
    }

    /**
     * Deletes an incomplete record and, for a container layer that was being created, the
     * container record made with it (its base's reference and its holds go too): the container
     * never existed as far as anyone who finds it later can tell.
     */
    static void forget(GraphTxn t, IncompleteRecord inc) throws IOException {
        t.deleteIncomplete(inc);
        if (inc.kind() != IncompleteRecord.Kind.CONTAINER || inc.op() != IncompleteRecord.Op.CREATING) return;
        Optional<ContainerRecord> c = naming(t, inc.cacheId());
        if (c.isEmpty()) return;
        t.deleteContainer(c.get());
        t.putMounts(new MountRecord(runKey(c.get().id()), List.of()));
        if (c.get().layer() != null) {
            LayerRecord l = t.requireLayer(c.get().layer());
            t.updateLayer(l.withRefCount(Math.max(0, l.refCount() - 1)));
        }
    }

    void remove(String id) throws IOException {
        // a container still this process's work in progress (an ephemeral run, or a run that
        // failed before its handover) is no one else's to claim: the driver removes its layers,
        // then one commit forgets them and the record
        List<IncompleteRecord> own = graph.db().read(t -> {
            ContainerRecord c = t.container(id).orElseThrow(() -> new GraphException.NotFoundException("container", id));
            List<IncompleteRecord> out = new ArrayList<>();
            for (String cache : List.of(c.cacheId(), InitLayer.idOf(c.cacheId()))) {
                Optional<IncompleteRecord> inc = t.incomplete(cache);
                if (inc.isPresent() && inc.get().op() == IncompleteRecord.Op.CREATING && inc.get().ownerPid() == Owners.selfPid()
                        && inc.get().ownerAlive()) {
                    out.add(inc.get());
                }
            }
            if (out.isEmpty()) return null;
            checkNotRunning(t, id);
            Mounter.checkNotMounted(t, "container", id, c.cacheId());
            return out;
        });
        if (own != null) {
            Collector.finishRemovals(graph, own); // the read-write layer first
            return;
        }
        List<IncompleteRecord> incs = graph.db().write(t -> {
            ContainerRecord c = t.container(id).orElseThrow(() -> new GraphException.NotFoundException("container", id));
            checkNotRunning(t, id);
            Mounter.checkNotMounted(t, "container", id, c.cacheId());
            Optional<IncompleteRecord> making = t.incomplete(c.cacheId());
            if (making.isPresent() && making.get().op() == IncompleteRecord.Op.CREATING && making.get().ownerAlive()
                    && making.get().ownerPid() != Owners.selfPid()) {
                throw new GraphException.InUseException("container", id, "being created by process " + making.get().ownerPid());
            }
            t.deleteContainer(c);
            t.putMounts(new MountRecord(runKey(id), List.of())); // holds of dead supervisors
            if (c.layer() != null) {
                LayerRecord l = t.requireLayer(c.layer());
                t.updateLayer(l.withRefCount(Math.max(0, l.refCount() - 1)));
            }
            List<IncompleteRecord> out = new ArrayList<>();
            for (String cache : List.of(c.cacheId(), InitLayer.idOf(c.cacheId()))) {
                IncompleteRecord r = IncompleteRecord.mine(cache, IncompleteRecord.Kind.CONTAINER,
                        IncompleteRecord.Op.REMOVING, c.layer(), graph.driver().name());
                t.putIncomplete(r); // replaces the creating one of a container never published
                out.add(r);
            }
            return out;
        });
        CrashPoints.reach("remove.claimed");
        Collector.finishRemovals(graph, incs); // the read-write layer first
    }

    // ---- the hold of a running container

    /**
     * The key of a container's run hold among the mount records: the runtime mounts the
     * container's root only inside its own mount namespace, where graph-db can not see it, so
     * the process that keeps that namespace (the supervisor) is recorded here instead. Being a
     * mount record, a dead holder is recognised and dropped by repair like any other.
     */
    static String runKey(String id) {
        return "container:" + id;
    }

    void hold(String id, ProcessIdentity holder) throws IOException {
        graph.db().write(t -> {
            t.container(id).orElseThrow(() -> new GraphException.NotFoundException("container", id));
            putHold(t, id, holder);
            return null;
        });
    }

    private static void putHold(GraphTxn t, String id, ProcessIdentity holder) throws IOException {
        MountRecord m = t.mounts(runKey(id)).orElse(new MountRecord(runKey(id), List.of()));
        List<MountRecord.Holder> hs = new ArrayList<>(m.holders());
        MountRecord.Holder h = new MountRecord.Holder(holder.pid(), holder.startTime());
        if (!hs.contains(h)) hs.add(h);
        t.putMounts(new MountRecord(runKey(id), hs));
    }

    /** Drops {@code holder}'s hold, or every hold when it is null (the container has ended). */
    void release(String id, ProcessIdentity holder) throws IOException {
        graph.db().write(t -> {
            release(t, id, holder);
            return null;
        });
    }

    void ended(String id) throws IOException {
        graph.db().write(t -> {
            release(t, id, null);
            Optional<ContainerRecord> c = t.container(id);
            if (c.isPresent()) t.putContainer(c.get().withState("exited"));
            return null;
        });
    }

    private static void release(GraphTxn t, String id, ProcessIdentity holder) throws IOException {
        Optional<MountRecord> m = t.mounts(runKey(id));
        if (m.isEmpty()) return;
        List<MountRecord.Holder> hs = new ArrayList<>(m.get().holders());
        if (holder == null) hs.clear();
        else hs.remove(new MountRecord.Holder(holder.pid(), holder.startTime()));
        t.putMounts(new MountRecord(runKey(id), hs));
    }

    /**
     * Whether the container whose layer {@code inc} names is held running by a live process
     * other than the store: an ephemeral run whose runner died while its supervisor runs on.
     */
    static boolean heldRunning(GraphTxn t, IncompleteRecord inc) throws IOException {
        if (inc.kind() != IncompleteRecord.Kind.CONTAINER || inc.op() != IncompleteRecord.Op.CREATING) return false;
        Optional<ContainerRecord> c = naming(t, inc.cacheId());
        if (c.isEmpty()) return false;
        Optional<MountRecord> m = t.mounts(runKey(c.get().id()));
        return m.isPresent() && m.get().holders().stream().anyMatch(h -> !h.store() && h.alive());
    }

    /** The container whose read-write or init layer is the driver layer {@code cacheId}. */
    private static Optional<ContainerRecord> naming(GraphTxn t, String cacheId) throws IOException {
        Optional<String> owner = t.cacheOwner(cacheId);
        if (owner.isEmpty() || !owner.get().startsWith("container")) return Optional.empty();
        Optional<ContainerRecord> c = t.container(owner.get().substring(owner.get().indexOf(':') + 1));
        if (c.isPresent() && (c.get().cacheId().equals(cacheId) || InitLayer.idOf(c.get().cacheId()).equals(cacheId))) return c;
        return Optional.empty();
    }

    static void checkNotRunning(GraphTxn t, String id) throws IOException {
        var m = t.mounts(runKey(id));
        if (m.isEmpty()) return;
        var live = m.get().holders().stream().filter(h -> !h.store() && h.alive()).toList();
        if (!live.isEmpty()) {
            throw new GraphException.ContainerRunningException(id, live.get(0).pid());
        }
    }
}
