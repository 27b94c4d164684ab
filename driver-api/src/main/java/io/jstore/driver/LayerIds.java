package io.jstore.driver;

import java.util.regex.Pattern;

/**
 * Layer ids become directory and device names, so they are checked before any path is
 * built from one: no separators, no dot-names, bounded length.
 */
public final class LayerIds {
    private LayerIds() {}

    /** Long enough for a 64-hex digest with a prefix; short enough for dm and file names. */
    public static final int MAX_LENGTH = 128;

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    public static String check(String id) throws DriverException.InvalidIdException {
        if (id == null || id.isEmpty()) throw new DriverException.InvalidIdException(String.valueOf(id), "empty");
        if (id.length() > MAX_LENGTH) {
            throw new DriverException.InvalidIdException(id, "longer than " + MAX_LENGTH + " characters");
        }
        if (!VALID.matcher(id).matches() || id.contains("..")) {
            throw new DriverException.InvalidIdException(id, "only letters, digits, '_', '.', '-' (no '..', no leading '.')");
        }
        return id;
    }
}
