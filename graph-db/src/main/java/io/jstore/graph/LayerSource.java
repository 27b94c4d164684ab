package io.jstore.graph;

/**
 * What is known about a layer before it is applied.
 *
 * @param diffId           the DiffID it is announced with (from an image config), or null to take whatever the tar hashes to
 * @param compressedDigest the blob digest it came under, or null
 * @param compressedSize   that blob's size, 0 when unknown
 */
public record LayerSource(String diffId, String compressedDigest, long compressedSize) {
    /** Nothing known in advance: the DiffID is computed while the tar is applied. */
    public static final LayerSource UNKNOWN = new LayerSource(null, null, 0);

    public static LayerSource expecting(String diffId) {
        return new LayerSource(diffId, null, 0);
    }
}
