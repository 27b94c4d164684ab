package io.jstore.graph;

/**
 * A complete read-only layer in the graph, keyed by its ChainID.
 *
 * @param chainId          the OCI ChainID: identity of this layer and everything under it
 * @param diffId           sha256 of the uncompressed layer tar
 * @param parent           the parent's ChainID, null for a base layer
 * @param driver           the driver that holds its content
 * @param cacheId          the driver's id for it
 * @param size             uncompressed tar bytes applied
 * @param compressedDigest digest of the blob it came from, null if it came uncompressed or from a directory
 * @param compressedSize   that blob's size, 0 when unknown
 * @param created          epoch milliseconds of registration
 * @param refCount         images whose top layer this is, containers on it, and explicit holds
 *                         ({@code jstore layer create}); children count through the children index
 */
public record LayerRecord(String chainId, String diffId, String parent, String driver, String cacheId,
                          long size, String compressedDigest, long compressedSize, long created, int refCount) {
    public LayerRecord {
        if (chainId == null || diffId == null || driver == null || cacheId == null) {
            throw new IllegalArgumentException("layer record needs chainId, diffId, driver and cacheId");
        }
        if (refCount < 0) throw new IllegalArgumentException("negative refcount for " + chainId);
    }

    /** The same record with its reference count moved by {@code delta}. */
    public LayerRecord withRefCount(int count) {
        return new LayerRecord(chainId, diffId, parent, driver, cacheId, size, compressedDigest, compressedSize, created, count);
    }
}
