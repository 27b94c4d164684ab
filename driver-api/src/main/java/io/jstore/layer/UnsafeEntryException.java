package io.jstore.layer;

/**
 * An entry that would create, change or delete something outside the target root: a name with
 * {@code ..}, a whiteout naming {@code ..} or a path, a hardlink leaving the root. Applying
 * stops before the entry touches anything.
 */
public final class UnsafeEntryException extends LayerFormatException {
    private static final long serialVersionUID = 1L;

    public UnsafeEntryException(String entry, String problem) {
        super(entry, problem);
    }
}
