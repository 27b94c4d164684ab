package io.jstore.graph.testing;

/**
 * The real driver graph-db's tests run on, found through ServiceLoader from the test class
 * path: overlay, until the vfs reference driver is on main (then vfs, the reference).
 */
public final class TestDriver {
    private TestDriver() {}

    public static final String NAME = "overlay";
}
