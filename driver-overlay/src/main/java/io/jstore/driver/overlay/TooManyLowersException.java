package io.jstore.driver.overlay;

import io.jstore.driver.DriverException;

/**
 * A layer stacks more lowers than the mount path in use can carry: the kernel's 500, or, on
 * the mount(2) fallback, what fits in one page of options. Raised before any mount is tried,
 * because the kernel's own error for a cut option string names neither cause.
 */
public final class TooManyLowersException extends DriverException {
    private static final long serialVersionUID = 1L;

    private final int lowers;
    private final int limit;

    TooManyLowersException(String layer, int lowers, int limit, String why) {
        super("overlay: layer " + layer + " stacks " + lowers + " lowers, more than " + limit + ": " + why,
                layer, null);
        this.lowers = lowers;
        this.limit = limit;
    }

    /** How many lowers the layer has. */
    public int lowers() {
        return lowers;
    }

    /** How many the mount path in use allows. */
    public int limit() {
        return limit;
    }
}
