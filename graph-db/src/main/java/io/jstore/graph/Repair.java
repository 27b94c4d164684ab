package io.jstore.graph;

import io.jstore.driver.DriverException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The crash-repair pass (run by every open) and {@code fsck} (the same plus consistency
 * checks). Only work whose owner process is dead is touched, so it is safe while other
 * processes use the store; the store lock keeps two repairs from racing each other.
 */
public final class Repair {
    private final Graph graph;

    /**
     * What a pass did: {@code fixed} it repaired, {@code problems} it found but can not fix
     * (a record whose driver layer vanished: the content is gone, only re-import helps).
     */
    public record Report(List<String> fixed, List<String> problems, List<String> notes) {
        public Report {
            fixed = List.copyOf(fixed);
            problems = List.copyOf(problems);
            notes = List.copyOf(notes);
        }

        public boolean clean() {
            return fixed.isEmpty() && problems.isEmpty();
        }
    }

    Repair(Graph graph) {
        this.graph = graph;
    }

    Report run(boolean full) throws IOException {
        try (GraphDb.StoreLock lock = graph.db().lockStore()) {
            return runLocked(full);
        }
    }

    /** The repair of an open: skipped when another process holds the store lock (its gc or fsck repairs first). */
    Report runIfFree() throws IOException {
        java.util.Optional<GraphDb.StoreLock> lock = graph.db().tryLockStore();
        if (lock.isEmpty()) return new Report(List.of(), List.of(), List.of("repair skipped: another process holds the store lock"));
        try (GraphDb.StoreLock l = lock.get()) {
            return runLocked(false);
        }
    }

    Report runLocked(boolean full) throws IOException {
        List<String> fixed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        GraphDb db = graph.db();

        for (Lease l : db.read(GraphTxn::leases)) {
            if (l.ownerAlive()) continue;
            db.write(t -> {
                t.deleteLease(l.id());
                return null;
            });
            fixed.add("dropped lease " + l.id() + " of dead process " + l.ownerPid());
        }

        // A container's read-write layer before its init layer: the driver removes no parent of a child.
        List<IncompleteRecord> incompletes = new ArrayList<>(db.read(GraphTxn::incompletes));
        incompletes.sort(java.util.Comparator.comparing(i -> InitLayer.isInit(i.cacheId())));
        for (IncompleteRecord inc : incompletes) {
            if (inc.ownerAlive()) continue;
            if (db.read(t -> Containers.heldRunning(t, inc))) {
                notes.add("kept container layer " + inc.cacheId() + " of dead process " + inc.ownerPid() + ": its supervisor runs");
                continue;
            }
            try {
                boolean had = graph.driver().exists(inc.cacheId());
                Collector.finishRemoval(graph, inc);
                String what = inc.op() == IncompleteRecord.Op.CREATING ? "half-made" : "half-removed";
                fixed.add((had ? "removed " : "forgot ") + what + " " + inc.kind().name().toLowerCase()
                        + " " + inc.cacheId() + " of dead process " + inc.ownerPid());
            } catch (DriverException e) {
                problems.add("cannot remove half-made layer " + inc.cacheId() + ": " + e.getMessage());
            }
        }

        for (MountRecord m : db.read(GraphTxn::allMounts)) {
            List<MountRecord.Holder> live = m.holders().stream().filter(MountRecord.Holder::alive).toList();
            if (live.size() == m.holders().size()) continue;
            db.write(t -> {
                t.putMounts(new MountRecord(m.cacheId(), live));
                return null;
            });
            fixed.add("dropped " + (m.holders().size() - live.size()) + " mount reference(s) of dead processes on "
                    + m.cacheId());
        }

        if (full) check(fixed, problems, notes);
        return new Report(fixed, problems, notes);
    }

    /**
     * Driver layers no record names. The driver is listed <em>before</em> the records are read:
     * every creation commits its incomplete record before the driver makes the layer, so a
     * layer listed here and unknown to the later snapshot was made by no jstore at work.
     */
    private void orphans(List<String> fixed, List<String> problems, List<String> notes) throws IOException {
        java.util.Set<String> ids;
        try {
            ids = graph.driver().ids();
        } catch (DriverException.UnsupportedException e) {
            notes.add("not checked for driver layers without a record: " + e.getMessage());
            return;
        }
        List<String> unknown = graph.db().read(t -> {
            List<String> out = new ArrayList<>();
            for (String id : ids) {
                // One the driver itself holds incomplete is its own repair's to remove.
                if (t.cacheOwner(id).isEmpty() && t.incomplete(id).isEmpty() && graph.driver().exists(id)) out.add(id);
            }
            return out;
        });
        for (String id : unknown) {
            try {
                graph.driver().remove(id);
                fixed.add("removed driver layer " + id + " that no record knows");
            } catch (DriverException e) {
                problems.add("driver layer " + id + " has no record and cannot be removed: " + e.getMessage());
            }
        }
    }

    /** Consistency of the records with each other and with the driver. */
    private void check(List<String> fixed, List<String> problems, List<String> notes) throws IOException {
        GraphDb db = graph.db();
        orphans(fixed, problems, notes);
        Map<String, Integer> expectedRefs = new HashMap<>();
        db.read(t -> {
            for (LayerRecord l : t.layers()) {
                if (!graph.driver().exists(l.cacheId())) {
                    problems.add("layer " + l.chainId() + ": its driver layer " + l.cacheId() + " is gone");
                }
                if (l.parent() != null && t.layer(l.parent()).isEmpty()) {
                    problems.add("layer " + l.chainId() + ": parent " + l.parent() + " has no record");
                }
                if (!l.chainId().equals(Digests.chainId(l.parent(), l.diffId()))) {
                    problems.add("layer " + l.chainId() + ": ChainID does not follow from parent and DiffID");
                }
            }
            for (ImageRecord i : t.images()) {
                if (i.topChainId() == null) continue;
                expectedRefs.merge(i.topChainId(), 1, Integer::sum);
                try {
                    t.chain(i.topChainId());
                } catch (GraphException e) {
                    problems.add("image " + i.id() + ": " + e.getMessage());
                }
            }
            for (ContainerRecord c : t.containers()) {
                if (c.layer() != null) expectedRefs.merge(c.layer(), 1, Integer::sum);
                if (t.incomplete(c.cacheId()).isPresent()) continue; // its layers are being made or removed
                if (!graph.driver().exists(c.cacheId())) {
                    problems.add("container " + c.id() + ": its driver layer " + c.cacheId() + " is gone");
                }
                String init = InitLayer.idOf(c.cacheId());
                if (graph.driver().exists(c.cacheId()) && !graph.driver().exists(init)
                        && graph.driver().metadata(c.cacheId()).getOrDefault("parent", "").equals(init)) {
                    problems.add("container " + c.id() + ": its init layer " + init + " is gone");
                }
            }
            return null;
        });
        // Explicit holds are not recorded apart, so a count may be higher than images and
        // containers explain, never lower.
        for (Map.Entry<String, Integer> e : expectedRefs.entrySet()) {
            db.write(t -> {
                t.layer(e.getKey()).ifPresent(l -> {
                    if (l.refCount() < e.getValue()) {
                        t.updateLayer(l.withRefCount(e.getValue()));
                        fixed.add("layer " + l.chainId() + ": reference count " + l.refCount() + " raised to " + e.getValue());
                    }
                });
                return null;
            });
        }
        List<String[]> dangling = db.read(t -> {
            List<String[]> out = new ArrayList<>();
            for (String[] n : t.names()) if (t.image(n[1]).isEmpty()) out.add(n);
            return out;
        });
        for (String[] n : dangling) {
            db.write(t -> {
                t.deleteName(n[0]);
                return null;
            });
            fixed.add("removed name " + n[0] + " of missing image " + n[1]);
        }
    }
}
