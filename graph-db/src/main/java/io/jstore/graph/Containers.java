package io.jstore.graph;

import io.jstore.driver.LayerIds;
import io.jstore.driver.support.ProcessIdentity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
     */
    ContainerRecord create(String id, String imageRef, String chainId, Map<String, String> config, boolean withInit,
                           boolean ephemeral) throws IOException {
        LayerIds.check(id);
        String cache = Graph.newCacheId();
        String init = InitLayer.idOf(cache);
        String[] base = graph.db().read(t -> {
            if (t.container(id).isPresent()) throw new GraphException.ConflictException("container " + id + " exists");
            if (imageRef == null && chainId == null) return new String[] {null, null, null};
            if (imageRef == null) return new String[] {null, chainId, t.requireLayer(chainId).cacheId()};
            ImageRecord img = Refs.image(t, imageRef);
            String top = img.topChainId();
            return new String[] {img.id(), top, top == null ? null : t.requireLayer(top).cacheId()};
        });
        String driver = graph.driver().name();
        IncompleteRecord incInit = IncompleteRecord.mine(init, IncompleteRecord.Kind.CONTAINER,
                IncompleteRecord.Op.CREATING, base[1], driver);
        IncompleteRecord inc = IncompleteRecord.mine(cache, IncompleteRecord.Kind.CONTAINER,
                IncompleteRecord.Op.CREATING, base[1], driver);
        graph.db().write(t -> {
            if (base[1] != null) t.requireLayer(base[1]); // still there: the incomplete children now hold it
            if (withInit) t.putIncomplete(incInit);
            t.putIncomplete(inc);
            return null;
        });
        CrashPoints.reach("container.recorded");
        boolean published = false;
        try {
            if (withInit) {
                graph.driver().createReadWrite(init, base[2], Graph.createOptions().withEphemeral(ephemeral));
                Path root = graph.driver().get(init);
                try {
                    InitLayer.populate(root);
                } finally {
                    graph.driver().put(init);
                }
                CrashPoints.reach("container.init");
            }
            graph.driver().createReadWrite(cache, withInit ? init : base[2], Graph.createOptions().withEphemeral(ephemeral));
            CrashPoints.reach("container.created");
            ContainerRecord rec = new ContainerRecord(id, cache, base[0], base[1], System.currentTimeMillis(),
                    "created", config);
            graph.db().write(t -> {
                if (t.container(id).isPresent()) throw new GraphException.ConflictException("container " + id + " exists");
                t.deleteIncomplete(inc);
                if (withInit) t.deleteIncomplete(incInit);
                t.putContainer(rec);
                if (rec.layer() != null) {
                    LayerRecord l = t.requireLayer(rec.layer());
                    t.updateLayer(l.withRefCount(l.refCount() + 1));
                }
                return null;
            });
            published = true;
            CrashPoints.reach("container.published");
            return rec;
        } finally {
            if (!published) {
                Registrar.discard(graph, inc); // the child before its parent
                if (withInit) Registrar.discard(graph, incInit);
            }
        }
    }

    void remove(String id) throws IOException {
        List<IncompleteRecord> incs = graph.db().write(t -> {
            ContainerRecord c = t.container(id).orElseThrow(() -> new GraphException.NotFoundException("container", id));
            checkNotRunning(t, id);
            Mounter.checkNotMounted(t, "container", id, c.cacheId());
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
                t.putIncomplete(r);
                out.add(r);
            }
            return out;
        });
        CrashPoints.reach("remove.claimed");
        for (IncompleteRecord inc : incs) Collector.finishRemoval(graph, inc); // the read-write layer first
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
            MountRecord m = t.mounts(runKey(id)).orElse(new MountRecord(runKey(id), List.of()));
            List<MountRecord.Holder> hs = new ArrayList<>(m.holders());
            MountRecord.Holder h = new MountRecord.Holder(holder.pid(), holder.startTime());
            if (!hs.contains(h)) hs.add(h);
            t.putMounts(new MountRecord(runKey(id), hs));
            return null;
        });
    }

    /** Drops {@code holder}'s hold, or every hold when it is null (the container has ended). */
    void release(String id, ProcessIdentity holder) throws IOException {
        graph.db().write(t -> {
            t.mounts(runKey(id)).ifPresent(m -> {
                List<MountRecord.Holder> hs = new ArrayList<>(m.holders());
                if (holder == null) hs.clear();
                else hs.remove(new MountRecord.Holder(holder.pid(), holder.startTime()));
                t.putMounts(new MountRecord(runKey(id), hs));
            });
            return null;
        });
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
