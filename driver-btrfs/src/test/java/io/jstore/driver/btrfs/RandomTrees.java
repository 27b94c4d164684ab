package io.jstore.driver.btrfs;

import io.jstore.linux.FileStat;
import io.jstore.linux.Inodes;
import io.jstore.linux.Xattrs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Random trees and random changes to them, for the property that a diff from generations
 * equals the naive diff. The changes include the ones a change tracker gets wrong: renames
 * and exchanges, replacements of one kind by another, new links to old inodes, and changes
 * the naive diff cannot see (same bytes rewritten, times set back, a mode set to itself), and
 * the ones a diff that trusts inode numbers in changed directories must get right: a
 * directory replaced by a new one holding old inodes under their old names, a file moved
 * under its own name, xattr-only and mtime-only changes of directories.
 */
final class RandomTrees {
    private RandomTrees() {}

    /** Every tree starts with this mtime everywhere, so "set the time back" can make a change invisible. */
    static final long T0 = 1_600_000_000_123_456_789L;

    static void build(Path root, Random rnd) throws IOException {
        List<Path> dirs = new ArrayList<>(List.of(root));
        int n = 20 + rnd.nextInt(200);
        for (int i = 0; i < n; i++) {
            Path dir = dirs.get(rnd.nextInt(dirs.size()));
            Path p = dir.resolve(name(rnd));
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
            switch (rnd.nextInt(10)) {
                case 0, 1 -> dirs.add(Files.createDirectory(p));
                case 2 -> Files.createSymbolicLink(p, Path.of(name(rnd)));
                case 3 -> Inodes.mknod(p, FileStat.S_IFIFO, 0644, 0, 0);
                case 4 -> {
                    List<Path> files = files(root);
                    if (!files.isEmpty()) Files.createLink(p, files.get(rnd.nextInt(files.size())));
                }
                default -> {
                    Files.write(p, content(rnd));
                    if (rnd.nextInt(4) == 0) Xattrs.set(p, "user.k" + rnd.nextInt(3), bytes(rnd));
                }
            }
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) Inodes.setTimes(p, T0, T0);
        }
    }

    /** Applies {@code count} random changes to the tree at {@code root}. */
    static void mutate(Path root, Random rnd, int count) throws IOException {
        for (int i = 0; i < count; i++) mutateOnce(root, rnd);
    }

    private static void mutateOnce(Path root, Random rnd) throws IOException {
        List<Path> all = entries(root);
        List<Path> dirs = new ArrayList<>(List.of(root));
        List<Path> files = new ArrayList<>();
        for (Path p : all) {
            if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) dirs.add(p);
            else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) files.add(p);
        }
        Path dir = dirs.get(rnd.nextInt(dirs.size()));
        Path any = all.isEmpty() ? null : all.get(rnd.nextInt(all.size()));
        Path file = files.isEmpty() ? null : files.get(rnd.nextInt(files.size()));
        Path fresh = dir.resolve(name(rnd));
        boolean freshFree = !Files.exists(fresh, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        switch (rnd.nextInt(27)) {
            case 0 -> { if (file != null) Files.write(file, content(rnd)); }
            case 1 -> { // the same bytes again, times set back: invisible to the naive diff
                if (file != null) {
                    FileStat st = FileStat.of(file);
                    Files.write(file, Files.readAllBytes(file));
                    Inodes.setTimes(file, st.atimeNanos(), st.mtimeNanos());
                }
            }
            case 2 -> { if (file != null) Files.write(file, bytes(rnd), StandardOpenOption.APPEND); }
            case 3 -> { if (file != null) Files.write(file, new byte[0]); }
            case 4 -> { if (freshFree) Files.write(fresh, content(rnd)); }
            case 5 -> { if (freshFree) Files.write(Files.createDirectory(fresh).resolve("inner"), content(rnd)); }
            case 6 -> { if (any != null && !Files.isDirectory(any, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.delete(any); }
            case 7 -> { if (dir != root) deleteTree(dir); }
            case 8 -> { // a rename, over an existing non-directory at times
                if (any == null || fresh.startsWith(any)) return;
                if (freshFree) Files.move(any, fresh);
                else if (!Files.isDirectory(fresh, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        && !Files.isDirectory(any, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(any, fresh, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            case 9 -> { if (any != null && !Files.isSymbolicLink(any)) Inodes.chmod(any, rnd.nextInt(01000)); }
            case 10 -> { if (any != null && !Files.isSymbolicLink(any)) Inodes.chmod(any, FileStat.of(any).permissions()); }
            case 11 -> { if (any != null) Inodes.lchown(any, rnd.nextInt(3) * 1000, rnd.nextInt(3) * 1000); }
            case 12 -> { if (file != null) Xattrs.set(file, "user.k" + rnd.nextInt(3), bytes(rnd)); }
            case 13 -> {
                if (file != null) for (String x : Xattrs.list(file)) if (x.startsWith("user.")) Xattrs.remove(file, x);
            }
            case 14 -> { if (file != null && freshFree) Files.createLink(fresh, file); }
            case 15 -> {
                if (any != null && Files.isSymbolicLink(any)) {
                    Files.delete(any);
                    Files.createSymbolicLink(any, Path.of(name(rnd)));
                } else if (freshFree) {
                    Files.createSymbolicLink(fresh, Path.of(name(rnd)));
                }
            }
            case 16 -> { // a file becomes a directory
                if (file != null) {
                    Files.delete(file);
                    Files.write(Files.createDirectory(file).resolve("was-a-file"), content(rnd));
                }
            }
            case 17 -> { // a directory becomes a file
                if (dir != root) {
                    deleteTree(dir);
                    Files.write(dir, content(rnd));
                }
            }
            case 18 -> { if (any != null) Inodes.setTimes(any, T0 + rnd.nextInt(1000), T0 + rnd.nextInt(1000)); }
            case 19 -> { if (any != null) Inodes.setTimes(any, T0, T0); } // back to the start: maybe no change at all
            case 20 -> { if (freshFree) Inodes.mknod(fresh, FileStat.S_IFIFO, 0600, 0, 0); }
            case 21 -> { // two names swap their inodes
                if (any != null && file != null && !any.equals(file) && !file.startsWith(any) && !any.startsWith(file)) {
                    Inodes.rename(any, file, Inodes.RENAME_EXCHANGE);
                }
            }
            case 22 -> { // a directory replaced by a new one that takes back some of the old entries, same names, same inodes
                if (dir == root) return;
                Path old = dir.resolveSibling(dir.getFileName() + ".old");
                if (Files.exists(old, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
                Files.move(dir, old);
                Files.createDirectory(dir);
                try (Stream<Path> s = Files.list(old)) {
                    for (Path c : s.sorted().toList()) if (rnd.nextBoolean()) Files.move(c, dir.resolve(c.getFileName()));
                }
                deleteTree(old);
            }
            case 23 -> { // xattrs on a directory, the root too
                if (rnd.nextBoolean()) Xattrs.set(dir, "user.d" + rnd.nextInt(2), bytes(rnd));
                else for (String x : Xattrs.list(dir)) if (x.startsWith("user.")) Xattrs.remove(dir, x);
            }
            case 24 -> Inodes.setTimes(dir, T0, T0 + rnd.nextInt(3)); // a directory's mtime only, maybe set to what it was
            case 25 -> { // a file moves to another directory under the same name
                if (file == null || file.getParent().equals(dir)) return;
                Path to = dir.resolve(file.getFileName());
                if (!Files.exists(to, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.move(file, to);
            }
            case 26 -> { // a file gets a name elsewhere and loses its old one: a rename by link and unlink
                if (file != null && freshFree) {
                    Files.createLink(fresh, file);
                    Files.delete(file);
                }
            }
            default -> throw new AssertionError();
        }
    }

    private static List<Path> entries(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).sorted().toList();
        }
    }

    private static List<Path> files(Path root) throws IOException {
        return entries(root).stream().filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList();
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private static String name(Random rnd) {
        return "n" + rnd.nextInt(40);
    }

    private static byte[] content(Random rnd) {
        byte[] b = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(20000) : rnd.nextInt(64)];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] bytes(Random rnd) {
        return ("v" + rnd.nextInt(5)).getBytes(StandardCharsets.UTF_8);
    }
}
