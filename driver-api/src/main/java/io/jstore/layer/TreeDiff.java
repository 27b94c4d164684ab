package io.jstore.layer;

import io.jstore.linux.Fd;
import io.jstore.linux.FileStat;
import io.jstore.linux.Xattrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The naive diff: compares two trees entry by entry (type, permission bits, owner, size, mtime
 * to the nanosecond, device numbers, link target, every xattr; not content, as every engine's
 * naive diff trusts size + mtime). Written once here for every driver without change tracking.
 *
 * <p>A deleted directory is one {@code D}; a directory with changes below it is itself
 * {@code C} (as Docker reports it) so a layer carries its parents' owner and mode.
 *
 * <p>A driver whose kernel knows what changed (btrfs generations) passes a {@link Scope}: the
 * same walk then skips what cannot differ, so the result is this diff's exactly, at the cost
 * of the changes instead of the tree.
 */
public final class TreeDiff {
    private TreeDiff() {}

    /** The changes that turn {@code lower} (null = the empty tree) into {@code upper}, parents first. */
    public static List<Change> changes(Path lower, Path upper) throws IOException {
        return compute(lower, upper).changes();
    }

    /** As {@link #changes(Path, Path)}, visiting only what {@code scope} says may differ. */
    public static List<Change> changes(Path lower, Path upper, Scope scope) throws IOException {
        return compute(lower, upper, scope).changes();
    }

    /**
     * What a driver knows about {@code upper} against the {@code lower} it was copied from.
     * Paths are absolute within the trees ({@code /} for the roots). A scope may answer "may
     * differ" too often (that costs only time), never too rarely.
     */
    public interface Scope {
        /**
         * For a directory present in both trees: null when its entries may differ (both sides
         * are listed, and only the names whose inodes {@link #mayDiffer} are looked up), else
         * the only names in it that may differ themselves or below.
         */
        SortedSet<String> onlyNames(String dir, FileStat lower, FileStat upper) throws IOException;

        /**
         * Whether an entry present in both trees, at inode {@code lowerIno} below and
         * {@code upperIno} above (as the directories list them), may differ itself or below.
         */
        boolean mayDiffer(String path, long lowerIno, long upperIno) throws IOException;

        /** Every name of {@code upper}'s inode in the upper tree, for files with several links. */
        List<String> names(FileStat upper) throws IOException;
    }

    /**
     * The changes, plus for inodes of {@code upper} with several names of which some are
     * unchanged: one unchanged name, so the writer can hardlink new names to what the target holds.
     */
    record Result(List<Change> changes, List<FileStat> stats,
                  Map<TreeCopy.InodeKey, String> unchangedLinks, Map<TreeCopy.InodeKey, FileStat> linkStats) {}

    static Result compute(Path lower, Path upper) throws IOException {
        return compute(lower, upper, null);
    }

    static Result compute(Path lower, Path upper, Scope scope) throws IOException {
        Walk w = new Walk(scope);
        w.dir(lower, upper, "", lower == null ? null : FileStat.of(lower), FileStat.of(upper));
        if (scope != null && lower != null) w.unchangedNames(lower, upper);
        return new Result(w.out, w.outStats, w.unchanged, w.stats);
    }

    private static final class Walk {
        final List<Change> out = new ArrayList<>();
        /** The upper stat of each change in {@code out}, null for D. */
        final List<FileStat> outStats = new ArrayList<>();
        final Map<TreeCopy.InodeKey, String> unchanged = new HashMap<>();
        final Map<TreeCopy.InodeKey, FileStat> stats = new HashMap<>();
        final Scope scope;

        Walk(Scope scope) {
            this.scope = scope;
        }

        /** Compares the children of two directories; returns whether anything below changed. */
        boolean dir(Path lower, Path upper, String rel, FileStat lowerSt, FileStat upperSt) throws IOException {
            // both directories stay open while their children are compared: stats and xattr
            // lists are then taken relative to them, one component resolved per call
            try (Fd ud = openDir(upper); Fd ld = lower == null ? null : openDir(lower)) {
                return dir(lower, ld, upper, ud, rel, lowerSt, upperSt);
            }
        }

        private boolean dir(Path lower, Fd ld, Path upper, Fd ud, String rel, FileStat lowerSt, FileStat upperSt)
                throws IOException {
            SortedSet<String> only = scope == null || lower == null
                    ? null : scope.onlyNames(rel.isEmpty() ? "/" : rel, lowerSt, upperSt);
            TreeMap<String, FileStat> up;
            TreeMap<String, FileStat> low = new TreeMap<>();
            if (only != null) {
                up = named(ud, only);
                low = named(ld, only);
            } else if (scope != null && lower != null) {
                up = new TreeMap<>();
                listMayDiffer(ld, ud, rel, low, up);
            } else {
                up = entries(ud);
                if (lower != null) low = entries(ld);
            }
            TreeMap<String, Boolean> names = new TreeMap<>();
            up.keySet().forEach(n -> names.put(n, true));
            low.keySet().forEach(n -> names.putIfAbsent(n, false));
            boolean any = false;
            for (String name : names.keySet()) {
                String path = rel + "/" + name;
                FileStat us = up.get(name);
                FileStat ls = low.get(name);
                if (us == null) {
                    change(Change.Kind.DELETED, path, null);
                    any = true;
                    continue;
                }
                if (ls == null) {
                    added(upper.resolve(name), us, path);
                    any = true;
                    continue;
                }
                if (scope != null && !scope.mayDiffer(path, ls.ino(), us.ino())) continue;
                Path l = lower.resolve(name);
                Path u = upper.resolve(name);
                boolean bothDirs = us.isDirectory() && ls.isDirectory();
                boolean changed = !sameStat(ls, us) || !sameContent(l, ls, u, us) || !sameXattrs(ld, ud, name, l, u);
                int at = out.size();
                if (changed) change(Change.Kind.MODIFIED, path, us);
                boolean below = false;
                if (us.isDirectory()) below = dir(bothDirs ? l : null, u, path, bothDirs ? ls : null, us);
                if (!changed && below) {
                    out.add(at, new Change(Change.Kind.MODIFIED, path));
                    outStats.add(at, us);
                }
                if (!changed && !us.isDirectory() && us.nlink() > 1) {
                    TreeCopy.InodeKey k = key(us);
                    unchanged.putIfAbsent(k, path);
                    stats.putIfAbsent(k, us);
                }
                any |= changed || below;
            }
            return any;
        }

        private void change(Change.Kind kind, String path, FileStat st) {
            out.add(new Change(kind, path));
            outStats.add(st);
        }

        /**
         * With a scope the walk skips unchanged names, so the unchanged name the naive walk
         * would have met first is found from the inode's names instead, for every inode the
         * diff writes: the writer then links to the same name either way.
         */
        void unchangedNames(Path lower, Path upper) throws IOException {
            unchanged.clear();
            stats.clear();
            Map<TreeCopy.InodeKey, Boolean> done = new HashMap<>();
            for (Change c : out) {
                if (c.kind() == Change.Kind.DELETED) continue;
                FileStat st = FileStat.ofOrNull(upper.resolve(c.path().substring(1)));
                if (st == null || st.isDirectory() || st.nlink() < 2 || done.put(key(st), true) != null) continue;
                String best = null;
                for (String name : scope.names(st)) {
                    if ((best == null || walkOrder(name, best) < 0) && unchangedName(lower, upper, name)) best = name;
                }
                if (best != null) {
                    unchanged.put(key(st), best);
                    stats.put(key(st), st);
                }
            }
        }

        /** Whether the naive walk reaches {@code path} through directories on both sides and finds it the same. */
        private static boolean unchangedName(Path lower, Path upper, String path) throws IOException {
            String[] parts = path.substring(1).split("/");
            Path l = lower;
            Path u = upper;
            for (int i = 0; i < parts.length; i++) {
                l = l.resolve(parts[i]);
                u = u.resolve(parts[i]);
                FileStat ls = FileStat.ofOrNull(l);
                FileStat us = FileStat.ofOrNull(u);
                if (ls == null || us == null) return false;
                if (i < parts.length - 1 && !(ls.isDirectory() && us.isDirectory())) return false;
                if (i == parts.length - 1) return !us.isDirectory() && same(l, ls, u, us);
            }
            return false;
        }

        /**
         * Both sides of a directory whose entries may differ, by their listings: only the names
         * on one side, and those on both whose inodes the scope cannot vouch for, are looked up.
         */
        private void listMayDiffer(Fd l, Fd u, String rel, TreeMap<String, FileStat> low,
                                   TreeMap<String, FileStat> up) throws IOException {
            Map<String, Long> lowerInodes = new HashMap<>();
            for (Fd.Entry e : l.entries()) lowerInodes.put(e.name(), e.ino());
            for (Fd.Entry e : u.entries()) {
                Long lowIno = lowerInodes.remove(e.name());
                if (lowIno != null && !scope.mayDiffer(rel + "/" + e.name(), lowIno, e.ino())) continue;
                up.put(e.name(), FileStat.of(u, e.name()));
                if (lowIno != null) low.put(e.name(), FileStat.of(l, e.name()));
            }
            for (String gone : lowerInodes.keySet()) low.put(gone, FileStat.of(l, gone));
        }

        private static TreeMap<String, FileStat> named(Fd dir, SortedSet<String> names) throws IOException {
            TreeMap<String, FileStat> m = new TreeMap<>();
            for (String n : names) {
                FileStat st = FileStat.ofOrNull(dir, n);
                if (st != null) m.put(n, st);
            }
            return m;
        }

        private void added(Path u, FileStat us, String path) throws IOException {
            change(Change.Kind.ADDED, path, us);
            if (us.isDirectory()) {
                for (Map.Entry<String, FileStat> c : entries(u).entrySet()) {
                    added(u.resolve(c.getKey()), c.getValue(), path + "/" + c.getKey());
                }
            }
        }
    }

    /** The order the walk meets paths in: by name within a directory, parents first. */
    static int walkOrder(String a, String b) {
        String[] x = a.substring(1).split("/");
        String[] y = b.substring(1).split("/");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].compareTo(y[i]);
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }

    static TreeCopy.InodeKey key(FileStat st) {
        return new TreeCopy.InodeKey(st.devMajor(), st.devMinor(), st.ino());
    }

    private static boolean same(Path l, FileStat ls, Path u, FileStat us) throws IOException {
        return sameStat(ls, us) && sameContent(l, ls, u, us) && sameXattrs(Metadata.readXattrs(l), Metadata.readXattrs(u));
    }

    private static boolean sameStat(FileStat ls, FileStat us) {
        return ls.type() == us.type() && ls.permissions() == us.permissions() && ls.uid() == us.uid() && ls.gid() == us.gid()
                && ls.mtimeNanos() == us.mtimeNanos() && ls.rdevMajor() == us.rdevMajor() && ls.rdevMinor() == us.rdevMinor()
                && (us.isDirectory() || ls.size() == us.size());
    }

    /** Size and mtime stand for a file's content, as in every naive diff; a symlink's target is compared. */
    private static boolean sameContent(Path l, FileStat ls, Path u, FileStat us) throws IOException {
        return !us.isSymlink() || Files.readSymbolicLink(l).equals(Files.readSymbolicLink(u));
    }

    /**
     * The xattrs of {@code name} in two open directories. Most entries of a rootfs have none:
     * two name lists taken relative to the directories settle that; values are read only when
     * both sides list some.
     */
    private static boolean sameXattrs(Fd ld, Fd ud, String name, Path l, Path u) throws IOException {
        List<String> a = Xattrs.list(ld, name);
        List<String> b = Xattrs.list(ud, name);
        if (a.isEmpty() && b.isEmpty()) return true;
        if (a.size() != b.size()) return false;
        return sameXattrs(Metadata.readXattrs(l), Metadata.readXattrs(u));
    }

    private static boolean sameXattrs(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) return false;
        for (Map.Entry<String, byte[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) return false;
        }
        return Objects.equals(a.size(), b.size());
    }

    /**
     * Children by name, sorted, so changes come out in a stable order with parents first, each
     * with its stat taken through one descriptor of the directory (no path resolved per child).
     */
    static TreeMap<String, FileStat> entries(Path dir) throws IOException {
        try (Fd d = openDir(dir)) {
            return entries(d);
        }
    }

    private static TreeMap<String, FileStat> entries(Fd dir) throws IOException {
        TreeMap<String, FileStat> m = new TreeMap<>();
        for (String name : dir.names()) m.put(name, FileStat.of(dir, name));
        return m;
    }

    private static Fd openDir(Path dir) throws IOException {
        return Fd.open(dir, Fd.O_RDONLY | Fd.O_DIRECTORY | Fd.O_NOFOLLOW);
    }
}
