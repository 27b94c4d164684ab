package io.jstore.graph;

import java.util.List;

/**
 * Who holds a layer mounted through the graph: one entry per {@code mount}, by owning process,
 * so a holder that died can be recognised and its reference dropped.
 */
public record MountRecord(String cacheId, List<Holder> holders) {
    public MountRecord {
        holders = List.copyOf(holders);
    }

    public int count() {
        return holders.size();
    }

    /** One mount reference, by process (pid and start time, see {@link IncompleteRecord}). */
    public record Holder(long pid, long start) {
        public boolean alive() {
            return Owners.alive(pid, start);
        }

        static Holder self() {
            return new Holder(Owners.selfPid(), Owners.selfStart());
        }
    }
}
