package io.jstore.layer;

import io.jstore.linux.FileStat;
import io.jstore.linux.Xattrs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What a stack of overlay lower dirs (top first) shows, computed the way overlayfs merges
 * them: a 0/0 device hides the name below it, a non-directory hides everything below its
 * path, {@code trusted.overlay.opaque=y} on a directory ends the descent into lower layers.
 * The lowers are the store's own image layers; a symlink on the way is never followed (the
 * merged view would resolve it against its own root, which no single lower is).
 */
final class OverlayLowers {
    private OverlayLowers() {}

    private static final byte[] OPAQUE = {'y'};

    static boolean opaque(Path dir) throws IOException {
        return Xattrs.get(dir, "trusted.overlay.opaque").map(v -> Arrays.equals(v, OPAQUE)).orElse(false);
    }

    /** The lower file shown at {@code rel} ("a/b/c"), or null when no lower shows one there. */
    static Path find(List<Path> lowers, List<String> comps) throws IOException {
        for (Path l : lowers) {
            Lookup r = lookup(l, comps);
            if (r.found != null) return r.found;
            if (r.hidden || r.opaqueAbove) return null;
        }
        return null;
    }

    /**
     * The directory a lower shows at {@code comps} and its stat, or null; used to give a dir
     * made in an upper the owner, mode and times the merged view showed for it.
     */
    static Path findDir(List<Path> lowers, List<String> comps) throws IOException {
        Path p = find(lowers, comps);
        return p != null && FileStat.of(p).isDirectory() ? p : null;
    }

    /** Whether the topmost lower that has {@code path} ("/a/b") has a directory there. */
    static boolean isDir(List<Path> lowers, String path) throws IOException {
        return path.equals("/") || findDir(lowers, components(path)) != null;
    }

    private static List<String> components(String path) {
        return path.equals("/") ? List.of() : List.of(path.substring(1).split("/"));
    }

    /**
     * One lower's answer for a path: found (not a whiteout), hidden (a whiteout or non-dir on
     * the way: nothing below shows it either), or absent; {@code opaqueAbove} when a directory
     * on the way is opaque, so lower layers cannot show it.
     */
    private record Lookup(Path found, boolean hidden, boolean opaqueAbove) {}

    private static Lookup lookup(Path lower, List<String> comps) throws IOException {
        Path p = lower;
        boolean opaqueAbove = false;
        for (int i = 0; i < comps.size(); i++) {
            p = p.resolve(comps.get(i));
            FileStat st = FileStat.ofOrNull(p);
            if (st == null) return new Lookup(null, false, opaqueAbove);
            if (st.isWhiteout()) return new Lookup(null, true, opaqueAbove);
            boolean last = i == comps.size() - 1;
            if (last) return new Lookup(p, false, opaqueAbove);
            if (!st.isDirectory()) return new Lookup(null, true, opaqueAbove);
            if (opaque(p)) opaqueAbove = true;
        }
        return new Lookup(lower, false, false);
    }
}
