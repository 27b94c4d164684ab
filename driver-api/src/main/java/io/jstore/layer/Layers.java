package io.jstore.layer;

import io.jstore.linux.FileStat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layer changeset in four calls: {@link #apply} a layer onto a directory, {@link #diff} two
 * trees into a layer, list their {@link #changes}, and {@link #size} what a diff carries.
 *
 * <pre>{@code
 * ApplyResult r = Layers.apply(in, layerDir, ApplyOptions.DEFAULT);   // r.diffId() = "sha256:…"
 * Layers.diff(parentDir, layerDir, out);                               // the naive diff, as a tar
 * }</pre>
 */
public final class Layers {
    private Layers() {}

    /** Applies a layer (plain, gzip or zstd tar); see {@link LayerApplier}. */
    public static ApplyResult apply(InputStream layer, Path target, ApplyOptions options) throws IOException {
        return LayerApplier.apply(layer, target, options);
    }

    /** The changes that turn {@code lower} (null = empty) into {@code upper}; see {@link TreeDiff}. */
    public static List<Change> changes(Path lower, Path upper) throws IOException {
        return TreeDiff.changes(lower, upper);
    }

    /** The changes, walking only what {@code scope} says may differ; see {@link TreeDiff.Scope}. */
    public static List<Change> changes(Path lower, Path upper, TreeDiff.Scope scope) throws IOException {
        return TreeDiff.changes(lower, upper, scope);
    }

    /**
     * Writes the naive diff of {@code upper} against {@code lower} (null = empty) to {@code out}
     * as an uncompressed layer tar; returns the changes it wrote. New names of an inode that
     * {@code lower} already has under an unchanged name become hardlinks to that name.
     */
    public static List<Change> diff(Path lower, Path upper, OutputStream out) throws IOException {
        return diff(lower, upper, out, null);
    }

    /**
     * As {@link #diff(Path, Path, OutputStream)}, walking only what {@code scope} says may
     * differ (null: everything); the same trees give the same bytes either way.
     */
    public static List<Change> diff(Path lower, Path upper, OutputStream out, TreeDiff.Scope scope) throws IOException {
        TreeDiff.Result d = TreeDiff.compute(lower, upper, scope);
        try (LayerWriter w = new LayerWriter(out)) {
            for (Map.Entry<TreeCopy.InodeKey, String> e : d.unchangedLinks().entrySet()) {
                w.linkToExisting(d.linkStats().get(e.getKey()), e.getValue());
            }
            w.write(upper, d.changes(), d.stats());
        }
        return d.changes();
    }

    /**
     * The file data a layer of these changes carries: apparent sizes of the added and changed
     * regular files under {@code root}, each inode once. Drivers report it as diffSize.
     */
    public static long size(List<Change> changes, Path root) throws IOException {
        long total = 0;
        Set<TreeCopy.InodeKey> seen = new HashSet<>();
        for (Change c : changes) {
            if (c.kind() == Change.Kind.DELETED) continue;
            FileStat st = FileStat.ofOrNull(c.path().equals("/") ? root : root.resolve(c.path().substring(1)));
            if (st == null || !st.isRegularFile()) continue;
            if (st.nlink() > 1 && !seen.add(TreeDiff.key(st))) continue;
            total += st.size();
        }
        return total;
    }
}
