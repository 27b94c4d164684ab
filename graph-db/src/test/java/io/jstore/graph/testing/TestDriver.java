package io.jstore.graph.testing;

/** The real driver graph-db's tests run on, found through ServiceLoader: vfs, the reference driver. */
public final class TestDriver {
    private TestDriver() {}

    public static final String NAME = "vfs";
}
