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
        /** A mount made by {@code jstore mount}: it outlives the process and stays until {@code jstore umount}. */
        public static final Holder STORE = new Holder(0, 0);

        public boolean alive() {
            return pid == 0 || Owners.alive(pid, start);
        }

        public boolean store() {
            return pid == 0;
        }

        static Holder self() {
            return new Holder(Owners.selfPid(), Owners.selfStart());
        }
    }
}
