package io.jstore.engine.containerd;

import java.util.Map;

/**
 * One containerd snapshot as jstore keeps it. An active or view snapshot is a graph container
 * (a read-write layer on its parent's layer); a committed one is a graph layer held once.
 *
 * @param name      containerd's key (active, view) or name (committed), namespaced as it arrives
 * @param kind      what containerd may do with it
 * @param parent    the committed parent's name, null for none
 * @param chainId   the graph layer of a committed snapshot
 * @param container the graph container of an active or view snapshot
 * @param labels    containerd's labels, kept verbatim
 * @param created   epoch ms
 * @param updated   epoch ms
 */
public record Snapshot(String name, Kind kind, String parent, String chainId, String container,
                       Map<String, String> labels, long created, long updated) {
    /** containerd's snapshot kinds (snapshots.proto's Kind without UNKNOWN). */
    public enum Kind { VIEW, ACTIVE, COMMITTED }

    /** The label by which containerd asks for a layer it may already have (remote snapshotters' contract). */
    public static final String REF_LABEL = "containerd.io/snapshot.ref";

    public Snapshot {
        labels = Map.copyOf(labels);
    }

    public Snapshot withLabels(Map<String, String> newLabels, long now) {
        return new Snapshot(name, kind, parent, chainId, container, newLabels, created, now);
    }
}
