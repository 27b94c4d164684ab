package io.jstore.engine.containerd;

import io.jstore.driver.MountSpec;
import io.jstore.graph.ContainerRecord;
import io.jstore.graph.Graph;
import io.jstore.graph.GraphException;
import io.jstore.graph.LayerRecord;
import io.jstore.graph.LayerSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * containerd's snapshotter model over the layer graph. An active snapshot is a graph container
 * on its parent's layer: containerd mounts what {@link #mounts} describes and writes into it
 * (unpacking a layer straight into overlay's upper dir). Commit turns it into a graph layer by
 * its diff, so a committed snapshot is an ordinary jstore layer with its ChainID (which is the
 * same ChainID containerd computes), shared with images the CLI loads.
 *
 * <p>One daemon serves one store; the methods are synchronized because a snapshot's two steps
 * (graph work, then the table) must not interleave with another call on the same name.
 */
public final class Snapshotter {
    private final Graph graph;
    private final SnapshotTable table;
    private final Path scratch;

    public Snapshotter(Graph graph) throws IOException {
        this.graph = graph;
        this.table = new SnapshotTable(graph.db());
        this.scratch = Files.createDirectories(graph.root().resolve("containerd/tmp"));
    }

    public synchronized List<MountSpec> prepare(String key, String parent, Map<String, String> labels, boolean view)
            throws IOException {
        Map<String, Snapshot> all = table.all();
        if (all.containsKey(key)) throw new GraphException.ConflictException("snapshot " + key + " already exists");
        String parentChain = parent == null ? null : committed(all, parent).chainId();
        String target = labels.get(Snapshot.REF_LABEL);
        if (target != null && !view && present(all, target, parent)) {
            throw new GraphException.ConflictException("target snapshot " + target + " already exists");
        }
        String id = containerId(key);
        graph.createContainerOnLayer(id, parentChain, Map.of("containerd.key", key));
        long now = System.currentTimeMillis();
        try {
            table.update(t -> {
                if (t.containsKey(key)) throw new GraphException.ConflictException("snapshot " + key + " already exists");
                t.put(key, new Snapshot(key, view ? Snapshot.Kind.VIEW : Snapshot.Kind.ACTIVE, parent, null, id,
                        labels, now, now));
                return null;
            });
        } catch (IOException | RuntimeException e) {
            graph.removeContainer(id);
            throw e;
        }
        return mounts(key);
    }

    /**
     * Whether a committed snapshot labelled {@code target} on {@code parent} exists. A layer of that
     * ChainID the graph already holds (loaded by the CLI, or under another namespace's name) is
     * published as a committed snapshot on the spot, so containerd skips unpacking it.
     */
    private boolean present(Map<String, Snapshot> all, String target, String parent) throws IOException {
        for (Snapshot s : all.values()) {
            if (s.kind() == Snapshot.Kind.COMMITTED && target.equals(s.labels().get(Snapshot.REF_LABEL))
                    && java.util.Objects.equals(s.parent(), parent)) return true;
        }
        LayerRecord layer;
        try {
            layer = graph.layer(target);
        } catch (GraphException.NotFoundException e) {
            return false;
        }
        String parentChain = parent == null ? null : all.get(parent).chainId();
        if (!layer.chainId().equals(target) || !java.util.Objects.equals(layer.parent(), parentChain)) return false;
        graph.holdLayer(layer.chainId());
        String name = "jstore/" + (parent == null ? "" : Integer.toHexString(parent.hashCode()) + "/") + target;
        long now = System.currentTimeMillis();
        table.update(t -> t.put(name, new Snapshot(name, Snapshot.Kind.COMMITTED, parent, layer.chainId(), null,
                Map.of(Snapshot.REF_LABEL, target), now, now)));
        return true;
    }

    public synchronized List<MountSpec> mounts(String key) throws IOException {
        Snapshot s = find(table.all(), key);
        if (s.kind() == Snapshot.Kind.COMMITTED) {
            throw new GraphException.InUseException("snapshot", key, "committed snapshots are not mounted, view them");
        }
        List<MountSpec> specs = graph.mounts(s.container());
        return s.kind() == Snapshot.Kind.VIEW ? readOnly(specs) : specs;
    }

    public synchronized void commit(String name, String key, Map<String, String> labels) throws IOException {
        Map<String, Snapshot> all = table.all();
        if (all.containsKey(name)) throw new GraphException.ConflictException("snapshot " + name + " already exists");
        Snapshot active = find(all, key);
        if (active.kind() != Snapshot.Kind.ACTIVE) {
            throw new GraphException.InUseException("snapshot", key, "only an active snapshot can be committed, it is "
                    + active.kind().name().toLowerCase());
        }
        String parentChain = active.parent() == null ? null : committed(all, active.parent()).chainId();
        Path tar = Files.createTempFile(scratch, "commit-", ".tar");
        LayerRecord layer;
        try {
            try (OutputStream out = Files.newOutputStream(tar)) {
                graph.diff(active.container(), out);
            }
            try (InputStream in = Files.newInputStream(tar)) {
                layer = graph.registerLayer(parentChain, in, LayerSource.UNKNOWN, true, null);
            }
        } finally {
            Files.deleteIfExists(tar);
        }
        long now = System.currentTimeMillis();
        Map<String, String> merged = new HashMap<>(active.labels());
        merged.putAll(labels);
        try {
            table.update(t -> {
                t.remove(key);
                t.put(name, new Snapshot(name, Snapshot.Kind.COMMITTED, active.parent(), layer.chainId(), null, merged,
                        active.created(), now));
                return null;
            });
        } catch (IOException | RuntimeException e) {
            graph.releaseLayer(layer.chainId());
            throw e;
        }
        graph.removeContainer(active.container());
    }

    public synchronized void remove(String key) throws IOException {
        Map<String, Snapshot> all = table.all();
        Snapshot s = find(all, key);
        for (Snapshot other : all.values()) {
            if (key.equals(other.parent())) {
                throw new GraphException.InUseException("snapshot", key, "snapshot " + other.name() + " is its child");
            }
        }
        if (s.container() != null) graph.removeContainer(s.container());
        table.update(t -> t.remove(key));
        if (s.chainId() != null) {
            LayerRecord l = graph.releaseLayer(s.chainId());
            // Other names (another namespace, an image the CLI loaded) may still need the layer.
            if (l.refCount() == 0 && graph.children(l.chainId()).isEmpty()) {
                try {
                    graph.removeLayer(l.chainId(), 0);
                } catch (GraphException.InUseException stillNeeded) {
                    // kept for whoever uses it; gc frees it once nothing does
                }
            }
        }
    }

    public synchronized Snapshot stat(String key) throws IOException {
        return find(table.all(), key);
    }

    /** Replaces the labels ({@code fields} empty or containing "labels"), or only the named {@code labels.K}. */
    public synchronized Snapshot update(String key, Map<String, String> labels, List<String> fields) throws IOException {
        long now = System.currentTimeMillis();
        return table.update(t -> {
            Snapshot s = find(t, key);
            Map<String, String> next;
            if (fields.isEmpty() || fields.contains("labels")) {
                next = labels;
            } else {
                next = new HashMap<>(s.labels());
                for (String f : fields) {
                    if (!f.startsWith("labels.")) {
                        throw new GraphException.CorruptException("cannot update field " + f + " of snapshot " + key);
                    }
                    String k = f.substring("labels.".length());
                    if (labels.containsKey(k)) next.put(k, labels.get(k));
                    else next.remove(k);
                }
            }
            Snapshot u = s.withLabels(next, now);
            t.put(key, u);
            return u;
        });
    }

    public synchronized List<Snapshot> list(Predicate<Snapshot> filter) throws IOException {
        return table.all().values().stream().filter(filter).toList();
    }

    /** Bytes of the snapshot's own changes: the layer's tar size, or an active layer's diff size. */
    public synchronized long usage(String key) throws IOException {
        Snapshot s = find(table.all(), key);
        if (s.chainId() != null) return graph.layer(s.chainId()).size();
        ContainerRecord c = graph.container(s.container())
                .orElseThrow(() -> new GraphException.NotFoundException("container", s.container()));
        String parentCache = c.layer() == null ? null : graph.layer(c.layer()).cacheId();
        return graph.driver().diffSize(c.cacheId(), parentCache);
    }

    /** Frees what no snapshot, image or container needs any more. */
    public synchronized void cleanup() throws IOException {
        graph.gc();
    }

    private static Snapshot find(Map<String, Snapshot> all, String key) throws GraphException {
        Snapshot s = all.get(key);
        if (s == null) throw new GraphException.NotFoundException("snapshot", key);
        return s;
    }

    private static Snapshot committed(Map<String, Snapshot> all, String name) throws GraphException {
        Snapshot p = all.get(name);
        if (p == null) throw new GraphException.NotFoundException("parent snapshot", name);
        if (p.kind() != Snapshot.Kind.COMMITTED) {
            throw new GraphException.InUseException("snapshot", name, "a parent must be committed, it is "
                    + p.kind().name().toLowerCase());
        }
        return p;
    }

    private static List<MountSpec> readOnly(List<MountSpec> specs) {
        List<MountSpec> out = new ArrayList<>();
        for (MountSpec m : specs) {
            List<String> o = new ArrayList<>(m.options());
            o.remove("rw");
            if (!o.contains("ro")) o.add("ro");
            out.add(new MountSpec(m.type(), m.source(), m.target(), o));
        }
        return out;
    }

    /** containerd keys hold '/' and ':'; a container id may not, so it is a digest of the key. */
    static String containerId(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "ctrd-" + HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    Optional<Snapshot> lookup(String key) throws IOException {
        return Optional.ofNullable(table.all().get(key));
    }
}
