package io.jstore.layer;

import io.jstore.linux.FileStat;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The naive diff: compares two trees entry by entry (type, permission bits, owner, size, mtime
 * to the nanosecond, device numbers, link target, every xattr; not content, as every engine's
 * naive diff trusts size + mtime). Written once here for every driver without change tracking.
 *
 * <p>A deleted directory is one {@code D}; a directory with changes below it is itself
 * {@code C} (as Docker reports it) so a layer carries its parents' owner and mode.
 */
public final class TreeDiff {
    private TreeDiff() {}

    /** The changes that turn {@code lower} (null = the empty tree) into {@code upper}, parents first. */
    public static List<Change> changes(Path lower, Path upper) throws IOException {
        return compute(lower, upper).changes();
    }

    /**
     * The changes, plus for inodes of {@code upper} with several names of which some are
     * unchanged: one unchanged name, so the writer can hardlink new names to what the target holds.
     */
    record Result(List<Change> changes, Map<TreeCopy.InodeKey, String> unchangedLinks, Map<TreeCopy.InodeKey, FileStat> linkStats) {}

    static Result compute(Path lower, Path upper) throws IOException {
        Walk w = new Walk();
        w.dir(lower, upper, "");
        return new Result(w.out, w.unchanged, w.stats);
    }

    private static final class Walk {
        final List<Change> out = new ArrayList<>();
        final Map<TreeCopy.InodeKey, String> unchanged = new HashMap<>();
        final Map<TreeCopy.InodeKey, FileStat> stats = new HashMap<>();

        /** Compares the children of two directories; returns whether anything below changed. */
        boolean dir(Path lower, Path upper, String rel) throws IOException {
            TreeMap<String, Path> up = list(upper);
            TreeMap<String, Path> low = lower == null ? new TreeMap<>() : list(lower);
            TreeMap<String, Boolean> names = new TreeMap<>();
            up.keySet().forEach(n -> names.put(n, true));
            low.keySet().forEach(n -> names.putIfAbsent(n, false));
            boolean any = false;
            for (String name : names.keySet()) {
                String path = rel + "/" + name;
                Path u = up.get(name);
                Path l = low.get(name);
                if (u == null) {
                    out.add(new Change(Change.Kind.DELETED, path));
                    any = true;
                    continue;
                }
                FileStat us = FileStat.of(u);
                FileStat ls = l == null ? null : FileStat.of(l);
                if (ls == null) {
                    added(u, us, path);
                    any = true;
                    continue;
                }
                boolean bothDirs = us.isDirectory() && ls.isDirectory();
                boolean changed = !same(l, ls, u, us);
                int at = out.size();
                if (changed) out.add(new Change(Change.Kind.MODIFIED, path));
                boolean below = false;
                if (us.isDirectory()) below = dir(bothDirs ? l : null, u, path);
                if (!changed && below) out.add(at, new Change(Change.Kind.MODIFIED, path));
                if (!changed && !us.isDirectory() && us.nlink() > 1) {
                    TreeCopy.InodeKey k = key(us);
                    unchanged.putIfAbsent(k, path);
                    stats.putIfAbsent(k, us);
                }
                any |= changed || below;
            }
            return any;
        }

        private void added(Path u, FileStat us, String path) throws IOException {
            out.add(new Change(Change.Kind.ADDED, path));
            if (us.isDirectory()) {
                for (Map.Entry<String, Path> c : list(u).entrySet()) added(c.getValue(), FileStat.of(c.getValue()), path + "/" + c.getKey());
            }
        }
    }

    static TreeCopy.InodeKey key(FileStat st) {
        return new TreeCopy.InodeKey(st.devMajor(), st.devMinor(), st.ino());
    }

    private static boolean same(Path l, FileStat ls, Path u, FileStat us) throws IOException {
        if (ls.type() != us.type() || ls.permissions() != us.permissions() || ls.uid() != us.uid() || ls.gid() != us.gid()
                || ls.mtimeNanos() != us.mtimeNanos() || ls.rdevMajor() != us.rdevMajor() || ls.rdevMinor() != us.rdevMinor()) {
            return false;
        }
        if (!us.isDirectory() && ls.size() != us.size()) return false;
        if (us.isSymlink() && !Files.readSymbolicLink(l).equals(Files.readSymbolicLink(u))) return false;
        return sameXattrs(Metadata.readXattrs(l), Metadata.readXattrs(u));
    }

    private static boolean sameXattrs(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) return false;
        for (Map.Entry<String, byte[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) return false;
        }
        return Objects.equals(a.size(), b.size());
    }

    /** Children by name, sorted, so changes come out in a stable order with parents first. */
    static TreeMap<String, Path> list(Path dir) throws IOException {
        TreeMap<String, Path> m = new TreeMap<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) m.put(p.getFileName().toString(), p);
        }
        return m;
    }
}
