package io.jstore.graph;

import io.jstore.driver.LayerIds;
import java.io.IOException;
import java.util.Map;

/** Container records and their read-write layers, under the same crash protocol as layers. */
final class Containers {
    private final Graph graph;

    Containers(Graph graph) {
        this.graph = graph;
    }

    ContainerRecord create(String id, String imageRef, Map<String, String> config) throws IOException {
        LayerIds.check(id);
        String cache = Graph.newCacheId();
        String[] base = graph.db().read(t -> {
            if (t.container(id).isPresent()) throw new GraphException.ConflictException("container " + id + " exists");
            if (imageRef == null) return new String[] {null, null, null};
            ImageRecord img = Refs.image(t, imageRef);
            String top = img.topChainId();
            return new String[] {img.id(), top, top == null ? null : t.requireLayer(top).cacheId()};
        });
        IncompleteRecord inc = IncompleteRecord.mine(cache, IncompleteRecord.Kind.CONTAINER,
                IncompleteRecord.Op.CREATING, base[1], graph.driver().name());
        graph.db().write(t -> {
            if (base[1] != null) t.requireLayer(base[1]); // still there: the incomplete child now holds it
            t.putIncomplete(inc);
            return null;
        });
        CrashPoints.reach("container.recorded");
        boolean published = false;
        try {
            graph.driver().createReadWrite(cache, base[2], Graph.createOptions());
            CrashPoints.reach("container.created");
            ContainerRecord rec = new ContainerRecord(id, cache, base[0], base[1], System.currentTimeMillis(),
                    "created", config);
            graph.db().write(t -> {
                if (t.container(id).isPresent()) throw new GraphException.ConflictException("container " + id + " exists");
                t.deleteIncomplete(inc);
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
            if (!published) Registrar.discard(graph, inc);
        }
    }

    void remove(String id) throws IOException {
        IncompleteRecord inc = graph.db().write(t -> {
            ContainerRecord c = t.container(id).orElseThrow(() -> new GraphException.NotFoundException("container", id));
            Mounter.checkNotMounted(t, "container", id, c.cacheId());
            t.deleteContainer(c);
            if (c.layer() != null) {
                LayerRecord l = t.requireLayer(c.layer());
                t.updateLayer(l.withRefCount(Math.max(0, l.refCount() - 1)));
            }
            IncompleteRecord r = IncompleteRecord.mine(c.cacheId(), IncompleteRecord.Kind.CONTAINER,
                    IncompleteRecord.Op.REMOVING, c.layer(), c.cacheId() == null ? null : graph.driver().name());
            t.putIncomplete(r);
            return r;
        });
        CrashPoints.reach("remove.claimed");
        Collector.finishRemoval(graph, inc);
    }
}
