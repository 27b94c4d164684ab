package io.jstore.layer.testing;

import io.jstore.linux.FileStat;
import io.jstore.linux.Xattrs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything observable about a tree, as a comparable value: per path its type, permission
 * bits, owner, size, content hash, mtime in nanoseconds, link target, device numbers and
 * xattrs, plus which paths share an inode. Atime and ctime are left out (reading changes the
 * one, any write the other).
 *
 * <p>Take one of the expected tree and one of the result, then {@link #assertSame}: the
 * failure lists the first mismatches path by path.
 */
public record TreeSnapshot(SortedMap<String, Node> nodes, Set<List<String>> hardlinkGroups) {

    /** What to leave out of a comparison. */
    public enum Ignore {
        /** Directory mtimes (for trees built through a process that cannot restore them). */
        DIR_MTIMES,
        /** The root directory's own owner, mode, xattrs and times. */
        ROOT,
        /** Hardlink groups (for tools that do not keep them). */
        HARDLINKS,
        /** Mtimes less than a second apart (for tools whose tars carry whole seconds, rounded, as umoci's do). */
        SUBSECOND_MTIMES
    }

    /**
     * One path. {@code type} is one of {@code f d l c b p s}; size and hash are for regular
     * files only; {@code rdev} is {@code major:minor} for devices; xattr values are hex.
     */
    public record Node(char type, int mode, int uid, int gid, long size, String sha256,
                       long mtimeNanos, String linkTarget, String rdev, SortedMap<String, String> xattrs) {
        Node withMtime(long mtime) {
            return new Node(type, mode, uid, gid, size, sha256, mtime, linkTarget, rdev, xattrs);
        }

        @Override
        public String toString() {
            return type + " " + String.format("%04o", mode) + " " + uid + ":" + gid
                    + (type == 'f' ? " size=" + size + " sha256=" + sha256.substring(0, 12) : "")
                    + " mtime=" + mtimeNanos
                    + (linkTarget != null ? " -> " + linkTarget : "")
                    + (rdev != null ? " rdev=" + rdev : "")
                    + (xattrs.isEmpty() ? "" : " xattrs=" + xattrs);
        }
    }

    /** Snapshots the tree at {@code root}, never following symlinks. */
    public static TreeSnapshot of(Path root) throws IOException {
        SortedMap<String, Node> nodes = new TreeMap<>();
        Map<String, List<String>> byInode = new TreeMap<>();
        walk(root, "/", nodes, byInode);
        Set<List<String>> groups = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
        for (List<String> g : byInode.values()) {
            if (g.size() > 1) {
                g.sort(null);
                groups.add(List.copyOf(g));
            }
        }
        return new TreeSnapshot(nodes, groups);
    }

    private static void walk(Path p, String rel, SortedMap<String, Node> nodes,
                             Map<String, List<String>> byInode) throws IOException {
        FileStat st = FileStat.of(p);
        nodes.put(rel, node(p, st));
        if (st.isDirectory()) {
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
                for (Path c : s) children.add(c);
            }
            for (Path c : children) {
                String name = c.getFileName().toString();
                walk(c, rel.equals("/") ? "/" + name : rel + "/" + name, nodes, byInode);
            }
        } else if (st.nlink() > 1) {
            byInode.computeIfAbsent(st.devMajor() + ":" + st.devMinor() + ":" + st.ino(), k -> new ArrayList<>()).add(rel);
        }
    }

    private static Node node(Path p, FileStat st) throws IOException {
        char type = switch (st.type()) {
            case FileStat.S_IFREG -> 'f';
            case FileStat.S_IFDIR -> 'd';
            case FileStat.S_IFLNK -> 'l';
            case FileStat.S_IFCHR -> 'c';
            case FileStat.S_IFBLK -> 'b';
            case FileStat.S_IFIFO -> 'p';
            default -> 's';
        };
        SortedMap<String, String> xattrs = new TreeMap<>();
        for (String name : Xattrs.list(p)) {
            Xattrs.get(p, name).ifPresent(v -> xattrs.put(name, HexFormat.of().formatHex(v)));
        }
        return new Node(type, st.permissions(), st.uid(), st.gid(),
                type == 'f' ? st.size() : 0, type == 'f' ? sha256(p) : null,
                st.mtimeNanos(),
                type == 'l' ? Files.readSymbolicLink(p).toString() : null,
                type == 'c' || type == 'b' ? st.rdevMajor() + ":" + st.rdevMinor() : null,
                xattrs);
    }

    private static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first {@code limit} differences between this (expected) and {@code actual}, readable. */
    public List<String> differences(TreeSnapshot actual, int limit, Ignore... ignore) {
        EnumSet<Ignore> ig = ignore.length == 0 ? EnumSet.noneOf(Ignore.class) : EnumSet.of(ignore[0], ignore);
        List<String> out = new ArrayList<>();
        TreeSet<String> paths = new TreeSet<>(nodes.keySet());
        paths.addAll(actual.nodes.keySet());
        for (String path : paths) {
            if (out.size() >= limit) return out;
            if (path.equals("/") && ig.contains(Ignore.ROOT)) continue;
            Node e = nodes.get(path);
            Node a = actual.nodes.get(path);
            if (e == null) out.add("unexpected " + path + ": " + a);
            else if (a == null) out.add("missing    " + path + ": " + e);
            else {
                if (ig.contains(Ignore.DIR_MTIMES) && e.type() == 'd' && a.type() == 'd') {
                    a = new Node(a.type(), a.mode(), a.uid(), a.gid(), a.size(), a.sha256(), e.mtimeNanos(),
                            a.linkTarget(), a.rdev(), a.xattrs());
                }
                if (ig.contains(Ignore.SUBSECOND_MTIMES) && Math.abs(e.mtimeNanos() - a.mtimeNanos()) < 1_000_000_000L) {
                    a = a.withMtime(e.mtimeNanos());
                }
                if (!e.equals(a)) out.add("differs    " + path + ":\n   expected " + e + "\n   actual   " + a);
            }
        }
        if (!ig.contains(Ignore.HARDLINKS) && !Objects.equals(hardlinkGroups, actual.hardlinkGroups) && out.size() < limit) {
            out.add("hardlink groups differ: expected " + hardlinkGroups + " actual " + actual.hardlinkGroups);
        }
        return out;
    }

    /** Throws an AssertionError listing the first mismatches unless {@code actual} equals this tree. */
    public void assertSame(TreeSnapshot actual, Ignore... ignore) {
        List<String> d = differences(actual, 20, ignore);
        if (!d.isEmpty()) {
            throw new AssertionError("trees differ (" + d.size() + (d.size() == 20 ? "+" : "") + " mismatches):\n  "
                    + String.join("\n  ", d));
        }
    }

    /** Snapshots {@code actual} and compares it to this tree. */
    public void assertSame(Path actual, Ignore... ignore) throws IOException {
        assertSame(of(actual), ignore);
    }

}
