package io.jstore.layer;

/**
 * How {@link Layers#apply} writes a layer.
 *
 * @param whiteouts what {@code .wh.} entries become
 * @param chown     whether to give entries the layer's uid/gid (false for rootless use,
 *                  where every file then belongs to the caller)
 * @param lowers    for {@link WhiteoutMode#OVERLAY_UPPER}: the lower dirs under the target,
 *                  top first, where a hardlink may find its target (a link to a file of an
 *                  earlier layer, which the naive diff writes); empty when there are none
 * @param digest    whether to hash the uncompressed tar into {@link ApplyResult#diffId()}; a
 *                  driver's applyDiff does not, since its caller (graph-db) hashes the stream
 *                  it hands over, and SHA-256 in Java costs about as much as tar -x itself
 */
public record ApplyOptions(WhiteoutMode whiteouts, boolean chown, java.util.List<java.nio.file.Path> lowers, boolean digest) {

    /** What the layer's whiteouts and opaque markers do to the target. */
    public enum WhiteoutMode {
        /** Whiteouts delete from the target; an opaque marker empties the directory of what the layer did not add. */
        DELETE,
        /**
         * For overlay's upper directory: a whiteout becomes a 0/0 character device, an opaque
         * marker becomes {@code trusted.overlay.opaque=y}; nothing is deleted.
         */
        OVERLAY_UPPER
    }

    /** Deleting whiteouts, owners kept: a layer applied onto a full copy of its parent. */
    public static final ApplyOptions DEFAULT = new ApplyOptions(WhiteoutMode.DELETE, true);

    /** Whiteouts and opaque markers kept in overlay's own form, owners kept. */
    public static final ApplyOptions OVERLAY = new ApplyOptions(WhiteoutMode.OVERLAY_UPPER, true);

    public ApplyOptions {
        if (whiteouts == null) throw new IllegalArgumentException("whiteouts mode is required");
        lowers = java.util.List.copyOf(lowers);
        if (!lowers.isEmpty() && whiteouts != WhiteoutMode.OVERLAY_UPPER) {
            throw new IllegalArgumentException("lower dirs only mean something for an overlay upper");
        }
    }

    public ApplyOptions(WhiteoutMode whiteouts, boolean chown, java.util.List<java.nio.file.Path> lowers) {
        this(whiteouts, chown, lowers, true);
    }

    public ApplyOptions(WhiteoutMode whiteouts, boolean chown) {
        this(whiteouts, chown, java.util.List.of());
    }

    /** Overlay form onto an upper over {@code lowers} (top first). */
    public static ApplyOptions overlay(java.util.List<java.nio.file.Path> lowers) {
        return new ApplyOptions(WhiteoutMode.OVERLAY_UPPER, true, lowers);
    }

    /** The same, counting the bytes but computing no DiffID ({@link ApplyResult#diffId()} is null). */
    public ApplyOptions withoutDigest() {
        return new ApplyOptions(whiteouts, chown, lowers, false);
    }
}
