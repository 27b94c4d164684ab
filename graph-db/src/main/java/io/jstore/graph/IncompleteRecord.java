package io.jstore.graph;

/**
 * A driver layer in transition: being created (its ChainID not yet known, since that needs the
 * DiffID of the whole tar) or being removed. It is written before the driver is touched and
 * deleted in the transaction that publishes the result, so after a crash every driver layer
 * is either known to the graph or named here; repair removes these once their owner is dead.
 *
 * @param cacheId       the driver's id
 * @param kind          what it will be
 * @param op            creating or removing
 * @param parentChainId the layer it stacks on, held against GC while this exists; may be null
 * @param driver        the driver that holds it
 * @param ownerPid      the process doing the work
 * @param ownerStart    that process's start time (clock ticks since boot, as /proc/PID/stat says), so a reused pid is not mistaken for the owner
 * @param started       epoch ms when the work began
 */
public record IncompleteRecord(String cacheId, Kind kind, Op op, String parentChainId, String driver,
                               long ownerPid, long ownerStart, long started) {
    public enum Kind { LAYER, CONTAINER }

    public enum Op { CREATING, REMOVING }

    /** A record owned by the calling process. */
    public static IncompleteRecord mine(String cacheId, Kind kind, Op op, String parentChainId, String driver) {
        return new IncompleteRecord(cacheId, kind, op, parentChainId, driver, Owners.selfPid(), Owners.selfStart(),
                System.currentTimeMillis());
    }

    /** Whether the process that wrote this record is still running. */
    public boolean ownerAlive() {
        return Owners.alive(ownerPid, ownerStart);
    }
}
