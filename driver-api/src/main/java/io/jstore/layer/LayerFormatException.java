package io.jstore.layer;

import java.io.IOException;

/**
 * A layer that is not a well-formed tar, or holds something jstore will not apply: a truncated
 * stream, a bad checksum, a size that lies, a malformed or oversized PAX record, an empty
 * name, an unsupported entry type. The message names the entry (as far as it was read).
 */
public class LayerFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String entry;

    public LayerFormatException(String entry, String problem) {
        this(entry, problem, null);
    }

    public LayerFormatException(String entry, String problem, Throwable cause) {
        super("layer entry " + (entry == null || entry.isEmpty() ? "<unnamed>" : "'" + entry + "'") + ": " + problem, cause);
        this.entry = entry;
    }

    /** The entry's name as the tar gives it; null or empty before one was read. */
    public String entry() {
        return entry;
    }
}
