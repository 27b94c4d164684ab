package io.jstore.driver.overlay;

import io.jstore.driver.DriverException;
import io.jstore.layer.ApplyOptions;
import io.jstore.layer.Change;
import io.jstore.layer.Layers;
import io.jstore.layer.OverlayUpper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The diff family of the overlay driver. A layer's {@code diff} dir holds exactly its own
 * changes in overlay's notation (it is the upper of a read-write layer; image layers are
 * applied into it in the same form), so against its own parent the diff reads only that dir:
 * the native diff. Against any other layer, or when the kernel may have written redirects or
 * metacopy stubs into the upper ({@link NativeDiffCheck}), it compares the two mounted views:
 * the naive diff, as moby's overlay2 and containers/storage do.
 */
final class OverlayDiffs {

    /** Mounts and releases the views the naive diff compares (the driver's get/put). */
    interface Views {
        Path acquire(String id) throws DriverException;

        void release(String id) throws DriverException;
    }

    private final OverlayLayout layout;
    private final Views views;
    private final Optional<String> untrusted;

    /**
     * @param untrusted why the upper dirs cannot be trusted (redirect_dir, metacopy), or empty
     *                  for the native diff
     */
    OverlayDiffs(OverlayLayout layout, Views views, Optional<String> untrusted) {
        this.layout = layout;
        this.views = views;
        this.untrusted = untrusted;
    }

    /** Why the naive diff is in use for every layer, or empty when the native one is. */
    Optional<String> naiveReason() {
        return untrusted;
    }

    /** The layer's own parent, or null for a base layer. */
    String parentOf(String id) throws DriverException {
        try {
            List<String> parents = layout.parentIds(id);
            return parents.isEmpty() ? null : parents.get(0);
        } catch (IOException e) {
            throw DriverException.wrap("overlay", "read the lower chain of", id, layout.lowerFile(id), e);
        }
    }

    /** Whether diffing {@code id} against {@code parent} (null = its own parent) reads only its diff dir. */
    boolean isNative(String id, String parent) throws DriverException {
        return untrusted.isEmpty() && (parent == null || parent.equals(parentOf(id)));
    }

    void diff(String id, String parent, OutputStream out) throws DriverException {
        if (isNative(id, parent)) {
            try {
                OverlayUpper.diff(layout.diff(id), lowerDirs(id), out);
            } catch (IOException e) {
                throw DriverException.wrap("overlay", "diff", id, layout.diff(id), e);
            }
            return;
        }
        naive(id, parent, (base, top) -> Layers.diff(base, top, out));
    }

    List<Change> changes(String id, String parent) throws DriverException {
        if (isNative(id, parent)) {
            try {
                return OverlayUpper.changes(layout.diff(id), lowerDirs(id));
            } catch (IOException e) {
                throw DriverException.wrap("overlay", "list the changes of", id, layout.diff(id), e);
            }
        }
        return naive(id, parent, Layers::changes);
    }

    long diffSize(String id, String parent) throws DriverException {
        if (isNative(id, parent)) {
            try {
                return Layers.size(OverlayUpper.changes(layout.diff(id), lowerDirs(id)), layout.diff(id));
            } catch (IOException e) {
                throw DriverException.wrap("overlay", "size the diff of", id, layout.diff(id), e);
            }
        }
        return naive(id, parent, (base, top) -> Layers.size(Layers.changes(base, top), top));
    }

    /**
     * Unpacks a layer into the diff dir in overlay's form: whiteouts become 0/0 devices, opaque
     * markers {@code trusted.overlay.opaque=y}, so the kernel hides the lowers' names itself; a
     * hardlink to a parent's file copies that file up first.
     */
    long apply(String id, InputStream layer) throws DriverException {
        try {
            return Layers.apply(layer, layout.diff(id), ApplyOptions.overlay(lowerDirs(id))).uncompressedBytes();
        } catch (IOException e) {
            throw DriverException.wrap("overlay", "apply a layer to", id, layout.diff(id), e);
        }
    }

    /** The diff dirs of the layer's parents, top first: what its upper is read against. */
    List<Path> lowerDirs(String id) throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (String p : layout.parentIds(id)) dirs.add(layout.diff(p));
        return dirs;
    }

    private interface Compare<T> {
        T run(Path base, Path top) throws IOException;
    }

    /** Mounts both views (a null parent after resolving: the empty tree) and compares them. */
    private <T> T naive(String id, String parent, Compare<T> compare) throws DriverException {
        String base = parent != null ? parent : parentOf(id);
        Path top = views.acquire(id);
        try {
            Path baseView = base == null ? null : views.acquire(base);
            try {
                return compare.run(baseView, top);
            } catch (IOException e) {
                throw DriverException.wrap("overlay", "naive diff of", id, top, e);
            } finally {
                if (base != null) views.release(base);
            }
        } finally {
            views.release(id);
        }
    }
}
