package io.jstore.layer;

import io.jstore.linux.FileStat;
import io.jstore.linux.Xattrs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Overlay's native diff: the upper directory already is the change set, in overlayfs' own
 * notation — a 0/0 character device is a deleted name, {@code trusted.overlay.opaque=y} a
 * directory that hides everything below it. This reads only the upper directory.
 */
public final class OverlayUpper {
    private OverlayUpper() {}

    private static final byte[] OPAQUE = {'y'};

    /** Writes the upper directory as an OCI layer: whiteout devices as {@code .wh.NAME}, opaque dirs with {@code .wh..wh..opq}. */
    public static void diff(Path upper, OutputStream out) throws IOException {
        try (LayerWriter w = new LayerWriter(out)) {
            walk(upper, "", (path, file, st) -> {
                if (st.isWhiteout()) {
                    w.whiteout(path);
                } else {
                    w.add(upper, path);
                    if (st.isDirectory() && opaque(file)) w.opaque(path);
                }
            });
        }
    }

    /**
     * The upper directory's changes, parents first: whiteouts are {@code D}; anything else is
     * {@code C} when a lower layer ({@code lowers}, top first) has the path, else {@code A}.
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

    private static boolean inLower(List<Path> lowers, String path) {
        for (Path l : lowers) {
            if (Files.exists(l.resolve(path.substring(1)), LinkOption.NOFOLLOW_LINKS)) return true;
        }
        return false;
    }

    private static boolean opaque(Path dir) throws IOException {
        return Xattrs.get(dir, "trusted.overlay.opaque").map(v -> Arrays.equals(v, OPAQUE)).orElse(false);
    }

    private interface Visitor {
        void visit(String path, Path file, FileStat st) throws IOException;
    }

    private static void walk(Path dir, String rel, Visitor v) throws IOException {
        for (Map.Entry<String, Path> c : TreeDiff.list(dir).entrySet()) {
            String path = rel + "/" + c.getKey();
            FileStat st = FileStat.of(c.getValue());
            v.visit(path, c.getValue(), st);
            if (st.isDirectory()) walk(c.getValue(), path, v);
        }
    }
}
