package io.jstore.driver.support;

import io.jstore.layer.ApplyOptions;
import io.jstore.layer.Change;
import io.jstore.layer.Layers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The diff family for drivers without change tracking: mount the layer and its parent
 * through the driver's own reference-counted {@code get}, compare or apply with
 * {@link Layers}, and put both back.
 */
final class NaiveDiff {
    private NaiveDiff() {}

    @FunctionalInterface
    private interface OnRoots<T> {
        T run(Path lower, Path upper) throws IOException;
    }

    static void diff(AbstractDriver d, String id, String parent, OutputStream out) throws IOException {
        onRoots(d, id, parent, (lower, upper) -> Layers.diff(lower, upper, out));
    }

    static List<Change> changes(AbstractDriver d, String id, String parent) throws IOException {
        return onRoots(d, id, parent, Layers::changes);
    }

    static long size(AbstractDriver d, String id, String parent) throws IOException {
        return onRoots(d, id, parent, (lower, upper) -> Layers.size(Layers.changes(lower, upper), upper));
    }

    /** Applies onto the layer's full view, which starts as its parent's content. */
    static long apply(AbstractDriver d, String id, InputStream in) throws IOException {
        Path root = d.get(id);
        try {
            return Layers.apply(in, root, ApplyOptions.DEFAULT.withoutDigest()).uncompressedBytes();
        } finally {
            d.put(id);
        }
    }

    private static <T> T onRoots(AbstractDriver d, String id, String parent, OnRoots<T> f) throws IOException {
        Path upper = d.get(id);
        try {
            if (parent == null) return f.run(null, upper);
            Path lower = d.get(parent);
            try {
                return f.run(lower, upper);
            } finally {
                d.put(parent);
            }
        } finally {
            d.put(id);
        }
    }
}
