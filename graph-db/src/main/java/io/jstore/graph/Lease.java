package io.jstore.graph;

import java.util.List;

/**
 * Layers a running process needs kept while it works (an import between its first layer and
 * the image record that will reference them), as containerd's leases do. A lease whose owner
 * died holds nothing: GC ignores it and repair deletes it, so a killed import leaks nothing.
 */
public record Lease(String id, long ownerPid, long ownerStart, List<String> chainIds) {
    public Lease {
        chainIds = List.copyOf(chainIds);
    }

    static Lease mine(String id) {
        return new Lease(id, Owners.selfPid(), Owners.selfStart(), List.of());
    }

    public boolean ownerAlive() {
        return Owners.alive(ownerPid, ownerStart);
    }

    Lease with(String chainId) {
        if (chainIds.contains(chainId)) return this;
        List<String> more = new java.util.ArrayList<>(chainIds);
        more.add(chainId);
        return new Lease(id, ownerPid, ownerStart, more);
    }
}
