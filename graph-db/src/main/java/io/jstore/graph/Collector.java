package io.jstore.graph;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Garbage collection: a layer goes when no image points at it, no container stacks on it, no
 * child (complete or being made) stands on it, no explicit hold or live lease keeps it and no
 * live process has it mounted. Leaves go first, so a chain unwinds from the top.
 */
public final class Collector {
    private final Graph graph;

    /** What a GC pass removed. */
    public record Report(List<String> removedLayers, Repair.Report repair) {
        public Report {
            removedLayers = List.copyOf(removedLayers);
        }
    }

    Collector(Graph graph) {
        this.graph = graph;
    }

    Report collect() throws IOException {
        try (GraphDb.StoreLock lock = graph.db().lockStore()) {
            Repair.Report repair = new Repair(graph).runLocked(false);
            List<String> removed = new ArrayList<>();
            while (true) {
                List<String> leaves = graph.db().read(Collector::unneeded);
                int before = removed.size();
                for (String chain : leaves) {
                    Optional<IncompleteRecord> inc = graph.db().write(t -> claim(t, chain, 0, false));
                    if (inc.isEmpty()) continue; // someone took a reference meanwhile
                    CrashPoints.reach("remove.claimed");
                    finishRemoval(graph, inc.get());
                    removed.add(chain);
                }
                if (removed.size() == before) break;
            }
            return new Report(removed, repair);
        }
    }

    void removeLayer(String ref, int explicitHolds) throws IOException {
        IncompleteRecord inc = graph.db().write(t -> {
            String chain = Refs.layer(t, ref).chainId();
            return claim(t, chain, explicitHolds < 0 ? explicitHolds(t, chain) : explicitHolds, true);
        }).orElseThrow();
        CrashPoints.reach("remove.claimed");
        finishRemoval(graph, inc);
    }

    /** References to {@code chain} that no image or container explains: holds taken by {@code layer create}. */
    private static int explicitHolds(GraphTxn t, String chain) throws IOException {
        int explained = 0;
        for (ImageRecord i : t.images()) if (chain.equals(i.topChainId())) explained++;
        for (ContainerRecord c : t.containers()) if (chain.equals(c.layer())) explained++;
        return Math.max(0, t.requireLayer(chain).refCount() - explained);
    }

    /** ChainIDs that nothing needs, in a consistent snapshot. */
    private static List<String> unneeded(GraphTxn t) throws IOException {
        Set<String> leased = new HashSet<>();
        for (Lease l : t.leases()) if (l.ownerAlive()) leased.addAll(l.chainIds());
        List<String> out = new ArrayList<>();
        for (LayerRecord l : t.layers()) {
            if (why(t, l, 0, leased) == null) out.add(l.chainId());
        }
        return out;
    }

    /** Why {@code l} must stay, or null. */
    private static String why(GraphTxn t, LayerRecord l, int allowedHolds, Set<String> leased) throws IOException {
        if (l.refCount() > allowedHolds) return l.refCount() + " reference(s) from images, containers or holds";
        List<String> kids = t.children(l.chainId());
        if (!kids.isEmpty()) return kids.size() + " child layer(s), e.g. " + kids.get(0);
        if (leased.contains(l.chainId())) return "a running import holds it";
        var m = t.mounts(l.cacheId());
        if (m.isPresent() && m.get().holders().stream().anyMatch(MountRecord.Holder::alive)) return "mounted";
        return null;
    }

    /**
     * Moves a removable layer out of the graph into an incomplete REMOVING record, in one
     * transaction; with {@code strict}, a layer that must stay fails with the reason.
     */
    private static Optional<IncompleteRecord> claim(GraphTxn t, String chain, int allowedHolds, boolean strict)
            throws IOException {
        Optional<LayerRecord> l = t.layer(chain);
        if (l.isEmpty()) {
            if (strict) throw new GraphException.NotFoundException("layer", chain);
            return Optional.empty();
        }
        Set<String> leased = new HashSet<>();
        for (Lease lease : t.leases()) if (lease.ownerAlive()) leased.addAll(lease.chainIds());
        String why = why(t, l.get(), allowedHolds, leased);
        if (why != null) {
            if (strict) throw new GraphException.InUseException("layer", chain, why);
            return Optional.empty();
        }
        t.deleteLayer(l.get());
        IncompleteRecord inc = IncompleteRecord.mine(l.get().cacheId(), IncompleteRecord.Kind.LAYER,
                IncompleteRecord.Op.REMOVING, l.get().parent(), l.get().driver());
        t.putIncomplete(inc);
        return Optional.of(inc);
    }

    /** The driver half of a removal; on failure the record stays for repair and the error is raised. */
    static void finishRemoval(Graph graph, IncompleteRecord inc) throws IOException {
        finishRemovals(graph, List.of(inc));
    }

    /**
     * The driver halves of several removals, in order (a child before its parent), then one
     * commit forgetting all their records; on a failure every record stays for repair.
     */
    static void finishRemovals(Graph graph, List<IncompleteRecord> incs) throws IOException {
        for (IncompleteRecord inc : incs) {
            if (graph.driver().exists(inc.cacheId())) graph.driver().remove(inc.cacheId());
            CrashPoints.reach("remove.driver");
        }
        graph.db().write(t -> {
            for (IncompleteRecord inc : incs) Containers.forget(t, inc);
            return null;
        });
    }
}
