package io.jstore.layer;

/**
 * How {@link Layers#apply} writes a layer.
 *
 * @param whiteouts what {@code .wh.} entries become
 * @param chown     whether to give entries the layer's uid/gid (false for rootless use,
 *                  where every file then belongs to the caller)
 */
public record ApplyOptions(WhiteoutMode whiteouts, boolean chown) {

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
    }
}
