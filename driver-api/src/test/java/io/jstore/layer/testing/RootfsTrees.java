package io.jstore.layer.testing;

import io.jstore.linux.FileStat;
import io.jstore.linux.Inodes;
import io.jstore.linux.Xattrs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Trees that hold, and then change, everything a root filesystem can: every entry kind,
 * setuid/setgid/sticky, numeric owners, {@code security.capability}, {@code trusted.*} and
 * {@code user.*} xattrs, nanosecond mtimes, names past tar's 100-byte and 255-byte limits,
 * sparse files, hardlinks, and every replacement (file→dir, dir→file, symlink→dir,
 * dir→symlink, deleted subtrees, a directory deleted and re-made with new content).
 *
 * <p>{@link #lower} builds a base; {@link #change} mutates a tree that starts as the base —
 * a copy of it, or an overlay mount over it — using only ordinary file operations, so the
 * same changes run through any driver. Sockets are left out: no layer format carries them.
 */
public final class RootfsTrees {
    private RootfsTrees() {}

    /** A fixed time with a non-zero nanosecond part, so lost precision shows. */
    public static final long T0 = 1_600_000_000_123_456_789L;

    private static final String LONG_NAME = "n".repeat(250) + ".long"; // 255 bytes, NAME_MAX

    /** Builds the base tree under {@code root} (an existing, empty directory). */
    public static void lower(Path root) throws IOException {
        dir(root, "bin", 0755, 0, 0);
        file(root, "bin/sh", "#!shell\n", 0755, 0, 0);
        dir(root, "usr", 0755, 0, 0);
        dir(root, "usr/bin", 0755, 0, 0);
        file(root, "usr/bin/sudo", "sudo", 04755, 0, 0);
        file(root, "usr/bin/wall", "wall", 02755, 0, 5);
        file(root, "usr/bin/ping", "ping", 0755, 0, 0);
        Xattrs.set(root.resolve("usr/bin/ping"), "security.capability", capability(13));
        file(root, "usr/bin/tool", "tool", 0755, 0, 0);
        dir(root, "usr/lib", 0755, 0, 0);
        file(root, "usr/lib/libfoo.so.1", "ELF libfoo", 0644, 0, 0);
        file(root, "usr/lib/liba.so", "shared by two names", 0644, 0, 0);
        Files.createLink(root.resolve("usr/lib/libb.so"), root.resolve("usr/lib/liba.so"));
        symlink(root, "lib", "usr/lib");
        dir(root, "etc", 0755, 0, 0);
        file(root, "etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644, 0, 0);
        Xattrs.set(root.resolve("etc/passwd"), "user.origin", bytes("debian"));
        Xattrs.set(root.resolve("etc/passwd"), "trusted.note", bytes("lower"));
        file(root, "etc/old.conf", "old", 0600, 0, 0);
        file(root, "etc/shadow", "secret", 0640, 0, 42);
        symlink(root, "etc/localtime", "/usr/share/zoneinfo/UTC");
        symlink(root, "etc/dangling", "../nowhere/at/all");
        dir(root, "tmp", 01777, 0, 0);
        dir(root, "var", 0755, 0, 0);
        dir(root, "var/mail", 02775, 0, 8);
        dir(root, "var/cache", 0755, 0, 0);
        dir(root, "var/cache/app", 0755, 0, 0);
        file(root, "var/cache/app/x", "x", 0644, 0, 0);
        file(root, "var/cache/app/y", "y", 0644, 0, 0);
        dir(root, "home", 0755, 0, 0);
        dir(root, "home/user", 0700, 1000, 1000);
        file(root, "home/user/file", "mine", 0644, 1000, 1000);
        file(root, "home/user/empty", "", 0644, 1000, 1000);
        dir(root, "dev", 0755, 0, 0);
        node(root, "dev/null", FileStat.S_IFCHR, 0666, 1, 3);
        node(root, "dev/sda", FileStat.S_IFBLK, 0660, 8, 0);
        node(root, "dev/initctl", FileStat.S_IFIFO, 0600, 0, 0);
        dir(root, "opt", 0755, 0, 0);
        dir(root, "opt/old", 0755, 0, 0);
        file(root, "opt/old/a", "a", 0644, 0, 0);
        dir(root, "opt/old/b", 0755, 0, 0);
        file(root, "opt/old/b/c", "c", 0644, 0, 0);
        dir(root, "srv", 0755, 0, 0);
        file(root, "srv/f2d", "file becomes dir", 0644, 0, 0);
        dir(root, "srv/d2f", 0755, 0, 0);
        file(root, "srv/d2f/inner", "gone with the dir", 0644, 0, 0);
        dir(root, "srv/target", 0755, 0, 0);
        symlink(root, "srv/l2d", "target");
        dir(root, "srv/d2l", 0755, 0, 0);
        file(root, "srv/d2l/inner", "gone", 0644, 0, 0);
        sparse(root, "var/lib.img", 16 << 20, 0, 8 << 20);
        String deep = "deep/" + "d".repeat(120) + "/" + "e".repeat(120);
        Files.createDirectories(root.resolve(deep));
        file(root, deep + "/" + LONG_NAME, "long path, long name", 0644, 0, 0);
        times(root, deep + "/" + LONG_NAME);
        times(root, deep);
        times(root, "deep/" + "d".repeat(120));
        times(root, "deep");
        times(root, "");
    }

    /** Changes the tree at {@code root} (which starts as {@link #lower}) in every way a rootfs can change. */
    public static void change(Path root) throws IOException {
        // content, mode, owner, xattrs, times
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n");
        Xattrs.set(root.resolve("etc/passwd"), "user.origin", bytes("jstore"));
        Xattrs.remove(root.resolve("etc/passwd"), "trusted.note");
        times(root, "etc/passwd");
        Inodes.chmod(root.resolve("usr/bin/tool"), 04711);
        Inodes.lchown(root.resolve("home/user/file"), 2000, 2001);
        Inodes.setTimes(root.resolve("bin/sh"), T0 + 7, T0 + 7);
        Xattrs.set(root.resolve("usr/bin/tool"), "security.capability", capability(12));
        // deletions: a file, a whole subtree
        Files.delete(root.resolve("etc/old.conf"));
        deleteTree(root.resolve("opt/old"));
        // replacements
        Files.delete(root.resolve("srv/f2d"));
        dir(root, "srv/f2d", 0750, 0, 0);
        file(root, "srv/f2d/child", "now a dir", 0644, 0, 0);
        deleteTree(root.resolve("srv/d2f"));
        file(root, "srv/d2f", "now a file", 0600, 0, 0);
        Files.delete(root.resolve("srv/l2d"));
        dir(root, "srv/l2d", 0755, 0, 0);
        file(root, "srv/l2d/child", "was a symlink", 0644, 0, 0);
        deleteTree(root.resolve("srv/d2l"));
        symlink(root, "srv/d2l", "/srv/target");
        Files.delete(root.resolve("etc/dangling"));
        symlink(root, "etc/dangling", "/elsewhere");
        // a directory removed and made again: nothing of its old content may show through
        deleteTree(root.resolve("var/cache/app"));
        dir(root, "var/cache/app", 0700, 0, 0);
        file(root, "var/cache/app/z", "z", 0644, 0, 0);
        // devices and fifos
        Files.delete(root.resolve("dev/sda"));
        node(root, "dev/sda", FileStat.S_IFBLK, 0660, 8, 16);
        node(root, "dev/zero", FileStat.S_IFCHR, 0666, 1, 5);
        node(root, "dev/fifo2", FileStat.S_IFIFO, 0644, 0, 0);
        // new entries: caps, hardlinks inside the layer and to a lower file, sparse, long names
        file(root, "usr/bin/newcap", "cap", 0755, 0, 0);
        Xattrs.set(root.resolve("usr/bin/newcap"), "security.capability", capability(10));
        file(root, "usr/bin/h1", "two names, one inode", 0755, 0, 0);
        Files.createLink(root.resolve("usr/bin/h2"), root.resolve("usr/bin/h1"));
        Files.createLink(root.resolve("usr/lib/libfoo-hard"), root.resolve("usr/lib/libfoo.so.1"));
        sparse(root, "var/new.img", 32 << 20, 1 << 20, (32 << 20) - 4096);
        dir(root, "newdir", 0700, 1000, 1000);
        dir(root, "newdir/empty", 0555, 0, 0);
        String deep = "newdir/" + "p".repeat(200) + "/" + "q".repeat(200);
        Files.createDirectories(root.resolve(deep));
        file(root, deep + "/" + LONG_NAME, "another long one", 0644, 0, 0);
        times(root, deep + "/" + LONG_NAME);
        // link targets past tar's 100-byte linkname field: PAX linkpath, for a symlink and a hardlink
        symlink(root, deep + "/long-target", "/" + "t".repeat(300));
        Files.createLink(root.resolve(deep + "/" + "m".repeat(255)), root.resolve(deep + "/" + LONG_NAME));
        times(root, deep);
        times(root, "newdir/" + "p".repeat(200));
        times(root, "newdir/empty");
        // directories whose children changed get fixed times too, so trees compare exactly
        for (String d : new String[] {"etc", "srv", "srv/f2d", "srv/l2d", "var/cache", "var/cache/app", "var",
                "dev", "usr/bin", "usr/lib", "opt", "newdir", ""}) {
            times(root, d);
        }
    }

    /** A VFS_CAP_REVISION_2 {@code security.capability} value granting one capability, permitted + effective. */
    public static byte[] capability(int cap) {
        return ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x02000001).putInt(1 << cap).putInt(0).putInt(0).putInt(0).array();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void dir(Path root, String rel, int mode, int uid, int gid) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectory(p);
        Inodes.lchown(p, uid, gid);
        Inodes.chmod(p, mode);
    }

    private static void file(Path root, String rel, String content, int mode, int uid, int gid) throws IOException {
        Path p = root.resolve(rel);
        Files.writeString(p, content);
        Inodes.lchown(p, uid, gid);
        Inodes.chmod(p, mode);
        times(root, rel);
    }

    private static void symlink(Path root, String rel, String target) throws IOException {
        Path p = root.resolve(rel);
        Files.createSymbolicLink(p, Path.of(target));
        Inodes.setTimes(p, T0, T0 + 1);
    }

    private static void node(Path root, String rel, int type, int mode, int major, int minor) throws IOException {
        Path p = root.resolve(rel);
        Inodes.mknod(p, type, mode, major, minor);
        Inodes.chmod(p, mode);
        times(root, rel);
    }

    private static void sparse(Path root, String rel, long size, long... dataAt) throws IOException {
        Path p = root.resolve(rel);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
            for (long at : dataAt) {
                f.seek(at);
                f.write(bytes("data at " + at + "\n"));
            }
        }
        times(root, rel);
    }

    private static void times(Path root, String rel) throws IOException {
        Path p = rel.isEmpty() ? root : root.resolve(rel);
        long salt = rel.hashCode() & 0xffff;
        Inodes.setTimes(p, T0 + salt * 1000, T0 + salt * 1_000_003);
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
