package io.jstore.layer;

import io.jstore.linux.FileStat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Overlay's native diff: the upper directory already is the change set, in overlayfs' own
 * notation — a 0/0 character device is a deleted name, {@code trusted.overlay.opaque=y} a
 * directory that hides everything below it. This reads only the upper directory.
 */
public final class OverlayUpper {
    private OverlayUpper() {}

    /** Writes the upper directory as an OCI layer: whiteout devices as {@code .wh.NAME}, opaque dirs with {@code .wh..wh..opq}. */
    public static void diff(Path upper, OutputStream out) throws IOException {
        diff(upper, null, out);
    }

    /**
     * Like {@link #diff(Path, OutputStream)}, knowing the lower dirs (top first): the kernel marks
     * every directory it creates in the merged view opaque, also where no lower has one, so an
     * opaque marker is written only where a lower layer has a directory it must hide (as
     * containers/storage does). {@code null} lowers: unknown, every opaque dir gets its marker.
     */
    public static void diff(Path upper, List<Path> lowers, OutputStream out) throws IOException {
        try (LayerWriter w = new LayerWriter(out)) {
            walk(upper, "", (path, file, st) -> {
                if (st.isWhiteout()) {
                    w.whiteout(path);
                } else {
                    w.add(upper, path, st);
                    if (st.isDirectory() && opaque(file) && (lowers == null || lowerDir(lowers, path))) w.opaque(path);
                }
            });
        }
    }

    /**
     * The upper directory's changes, parents first, as {@link #diff} writes them: whiteouts
     * are {@code D}; anything else is {@code C} when a lower layer ({@code lowers}, top first)
     * shows the path, else {@code A}. An opaque directory is one entry, as in the diff (its
     * marker hides the lower names; they are not listed one by one).
     */
    public static List<Change> changes(Path upper, List<Path> lowers) throws IOException {
        List<Change> out = new ArrayList<>();
        walk(upper, "", (path, file, st) -> {
            Change.Kind kind = st.isWhiteout() ? Change.Kind.DELETED
                    : inLower(lowers, path) ? Change.Kind.MODIFIED : Change.Kind.ADDED;
            out.add(new Change(kind, path));
        });
        return out;
    }

    private static boolean lowerDir(List<Path> lowers, String path) throws IOException {
        return OverlayLowers.isDir(lowers, path);
    }

    private static boolean inLower(List<Path> lowers, String path) throws IOException {
        return OverlayLowers.find(lowers, List.of(path.substring(1).split("/"))) != null;
    }

    private static boolean opaque(Path dir) throws IOException {
        return OverlayLowers.opaque(dir);
    }

    private interface Visitor {
        void visit(String path, Path file, FileStat st) throws IOException;
    }

    private static void walk(Path dir, String rel, Visitor v) throws IOException {
        for (Map.Entry<String, FileStat> c : TreeDiff.entries(dir).entrySet()) {
            String path = rel + "/" + c.getKey();
            FileStat st = c.getValue();
            Path file = dir.resolve(c.getKey());
            v.visit(path, file, st);
            if (st.isDirectory()) walk(file, path, v);
        }
    }
}
