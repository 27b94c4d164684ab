package io.jstore.driver.overlay;

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
import java.util.Objects;
import java.util.Optional;

/**
 * The native half of the overlay driver's diff family. A layer's {@code diff} dir holds
 * exactly its own changes in overlay's notation (it is the upper of a read-write layer; image
 * layers are applied into it in the same form), so against its own parent the diff reads only
 * that dir. Against any other layer, or when the kernel may have written redirects or metacopy
 * stubs into the upper ({@link NativeDiffCheck}), the driver compares the two mounted views
 * with the naive diff instead, as moby's overlay2 and containers/storage do.
 */
final class OverlayDiffs {
    private final OverlayLayout layout;
    private final Optional<String> untrusted;

    /**
     * @param untrusted why the upper dirs cannot be trusted (redirect_dir, metacopy), or empty
     *                  for the native diff
     */
    OverlayDiffs(OverlayLayout layout, Optional<String> untrusted) {
        this.layout = layout;
        this.untrusted = untrusted;
    }

    /** Why the naive diff is in use for every layer, or empty when the native one is. */
    Optional<String> naiveReason() {
        return untrusted;
    }

    /** Whether diffing {@code id} against {@code parent} (null: the empty tree) may read only its diff dir. */
    boolean isNative(String id, String parent) throws IOException {
        if (untrusted.isPresent()) return false;
        List<String> parents = layout.parentIds(id);
        return Objects.equals(parent, parents.isEmpty() ? null : parents.get(0));
    }

    void diff(String id, OutputStream out) throws IOException {
        OverlayUpper.diff(layout.diff(id), lowerDirs(id), out);
    }

    List<Change> changes(String id) throws IOException {
        return OverlayUpper.changes(layout.diff(id), lowerDirs(id));
    }

    long diffSize(String id) throws IOException {
        return Layers.size(changes(id), layout.diff(id));
    }

    /**
     * Unpacks a layer into the diff dir in overlay's form: whiteouts become 0/0 devices, opaque
     * markers {@code trusted.overlay.opaque=y}, so the kernel hides the lowers' names itself; a
     * hardlink to a parent's file copies that file up first.
     */
    long apply(String id, InputStream layer) throws IOException {
        return Layers.apply(layer, layout.diff(id), ApplyOptions.overlay(lowerDirs(id)).withoutDigest()).uncompressedBytes();
    }

    /** The diff dirs of the layer's parents, top first: what its upper is read against. */
    List<Path> lowerDirs(String id) throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (String p : layout.parentIds(id)) dirs.add(layout.diff(p));
        return dirs;
    }
}
