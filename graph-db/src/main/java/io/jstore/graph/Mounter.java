package io.jstore.graph;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Mounts through the graph: the driver counts references per process, and the graph keeps
 * its own per-process record so GC and removal can see that a layer is in use.
 */
final class Mounter {
    private final Graph graph;

    Mounter(Graph graph) {
        this.graph = graph;
    }

    Path mount(String cacheId) throws IOException {
        Path p = graph.driver().get(cacheId);
        try {
            graph.db().write(t -> {
                MountRecord m = t.mounts(cacheId).orElse(new MountRecord(cacheId, List.of()));
                List<MountRecord.Holder> hs = new ArrayList<>(m.holders());
                hs.add(MountRecord.Holder.self());
                t.putMounts(new MountRecord(cacheId, hs));
                return null;
            });
        } catch (IOException | RuntimeException e) {
            graph.driver().put(cacheId);
            throw e;
        }
        return p;
    }

    void unmount(String cacheId) throws IOException {
        graph.db().write(t -> {
            MountRecord m = t.mounts(cacheId).orElse(new MountRecord(cacheId, List.of()));
            List<MountRecord.Holder> hs = new ArrayList<>(m.holders());
            if (!hs.remove(MountRecord.Holder.self())) {
                throw new GraphException.NotFoundException("mount of", cacheId + " by this process");
            }
            t.putMounts(new MountRecord(cacheId, hs));
            return null;
        });
        graph.driver().put(cacheId);
    }

    /** Fails when a live process holds {@code cacheId} mounted. */
    static void checkNotMounted(GraphTxn t, String what, String ref, String cacheId) throws IOException {
        var m = t.mounts(cacheId);
        if (m.isPresent()) {
            long live = m.get().holders().stream().filter(MountRecord.Holder::alive).count();
            if (live > 0) throw new GraphException.InUseException(what, ref, "mounted " + live + " time(s)");
        }
    }
}
