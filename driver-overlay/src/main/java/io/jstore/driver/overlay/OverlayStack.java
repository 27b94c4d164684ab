package io.jstore.driver.overlay;

import io.jstore.driver.MountSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one layer's view is made of: the lower dirs top first (with their short links, for the
 * legacy option string), the upper and work dirs of a read-write layer, and extra options.
 *
 * <p>Like containerd's overlay snapshotter, a view of a single directory is a bind mount, not
 * an overlay: a base image layer (read-only, no parent) and a read-write layer without a
 * parent. Everything else is an overlay; a read-only layer with parents stacks its own diff
 * on top of theirs and has no upper dir.
 *
 * @param lowers      absolute lower dirs, top first
 * @param lowerLinks  the same lowers as {@code l/SHORT}, relative to the driver's home
 * @param upper       the upper dir, or null for a read-only view
 * @param work        the work dir (used only with an upper dir)
 * @param options     extra overlay options ({@code index=off}, {@code volatile}, user words)
 */
record OverlayStack(String id, List<Path> lowers, List<String> lowerLinks, Path upper, Path work,
                    List<String> options) {

    /** The kernel stacks at most this many lower layers (OVL_MAX_STACK in fs/overlayfs). */
    static final int KERNEL_MAX_LOWERS = 500;

    OverlayStack {
        lowers = List.copyOf(lowers);
        lowerLinks = List.copyOf(lowerLinks);
        options = List.copyOf(options);
        if (lowers.size() != lowerLinks.size()) throw new IllegalArgumentException("lowers and links differ");
        if (lowers.isEmpty() && upper == null) throw new IllegalArgumentException("a view of nothing");
    }

    boolean readOnly() {
        return upper == null;
    }

    /** Whether the view is one directory, bind-mounted. */
    boolean isBind() {
        return readOnly() ? lowers.size() == 1 : lowers.isEmpty();
    }

    /** The directory a bind mount shows. */
    Path bindSource() {
        return readOnly() ? lowers.get(0) : upper;
    }

    /** The mounts as data, with absolute paths, for anyone to perform. */
    List<MountSpec> specs() {
        if (isBind()) {
            return List.of(MountSpec.root("bind", bindSource().toString(), List.of(readOnly() ? "ro" : "rw", "rbind")));
        }
        List<String> o = new ArrayList<>();
        if (readOnly()) o.add("ro");
        o.add("lowerdir=" + String.join(":", lowers.stream().map(Path::toString).toList()));
        if (!readOnly()) {
            o.add("upperdir=" + upper);
            o.add("workdir=" + work);
        }
        o.addAll(options);
        return List.of(MountSpec.root("overlay", "overlay", o));
    }
}
