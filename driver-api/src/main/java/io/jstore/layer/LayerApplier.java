package io.jstore.layer;

import io.jstore.linux.Errno;
import io.jstore.linux.Fd;
import io.jstore.linux.FileStat;
import io.jstore.linux.Inodes;
import io.jstore.linux.SyscallException;
import io.jstore.linux.Xattrs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies an OCI layer (plain, gzip or zstd tar) onto a directory, streaming: entries replace
 * what is there (file over dir, dir over file, link over anything) as Docker and containerd
 * do, a directory over a directory keeps its content, hardlinks may name earlier entries or
 * files already in the target, whiteouts delete (or, for overlay, become 0/0 devices),
 * directory times are set after their children.
 *
 * <p>Untrusted input: every name is resolved inside the target by {@link TargetRoot}; the
 * layer's own {@code trusted.overlay.*} xattrs are dropped so a layer cannot forge overlay's
 * opaque or redirect markers.
 */
public final class LayerApplier {
    private static final int CHUNK = 1 << 20;
    private static final int HOLE = 4096;
    private static final byte[] ZERO_BLOCK = new byte[HOLE];
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final byte[] OPAQUE_VALUE = {'y'};
    private static final int CREATE_FLAGS = Fd.O_WRONLY | Fd.O_CREAT | Fd.O_EXCL | Fd.O_NOFOLLOW;

    private final TargetRoot target;
    private final ApplyOptions options;
    private final byte[] buf = new byte[CHUNK];
    private final ByteBuffer bufView = ByteBuffer.wrap(buf);
    private ByteBuffer readerView;
    private final Set<String> written = new HashSet<>();
    private final DirTimes dirTimes = new DirTimes();
    private TarReader tar;
    /** A directory or symlink went away: cached parents may be stale from the next entry on. */
    private boolean stale;

    private LayerApplier(TargetRoot target, ApplyOptions options) {
        this.target = target;
        this.options = options;
    }

    /** Applies {@code layer} onto the directory {@code target}. The stream is read to its end, not closed. */
    public static ApplyResult apply(InputStream layer, Path target, ApplyOptions options) throws IOException {
        DigestingInputStream digest = new DigestingInputStream(Compression.decompressing(layer), options.digest());
        try (TargetRoot root = new TargetRoot(target)) {
            LayerApplier a = new LayerApplier(root, options);
            long entries = a.run(new TarReader(digest));
            return new ApplyResult(digest.count(), digest.digest(), entries);
        } catch (java.util.zip.ZipException e) {
            throw new LayerFormatException(null, "corrupt gzip stream: " + e.getMessage(), e);
        } catch (java.io.EOFException e) {
            throw new LayerFormatException(null, "truncated compressed stream", e);
        } catch (com.github.luben.zstd.ZstdIOException e) {
            throw new LayerFormatException(null, "corrupt zstd stream: " + e.getMessage(), e);
        }
    }

    private long run(TarReader reader) throws IOException {
        this.tar = reader;
        long n = 0;
        for (TarEntry e; (e = tar.next()) != null; n++) {
            if (stale) {
                target.invalidate();
                stale = false;
            }
            target.trim();
            try {
                entry(e);
            } catch (LayerFormatException x) {
                throw x;
            } catch (IOException x) {
                throw noSpace(e, x);
            }
        }
        target.invalidate();
        dirTimes.restore(this::existing);
        return n;
    }

    private void entry(TarEntry e) throws IOException {
        List<String> comps = TargetRoot.components(e.name(), e.name());
        if (comps.isEmpty()) {
            if (e.type() != TarEntry.DIRECTORY) throw new LayerFormatException(e.name(), "the root can only be a directory");
            Path root = target.existingDir("", e.name());
            Metadata.restoreOwnerModeXattrs(root, attributes(e, FileStat.S_IFDIR), options.chown());
            dirTimes.set(comps, e.name(), atime(e), e.mtimeNanos());
            return;
        }
        String base = comps.get(comps.size() - 1);
        if (base.startsWith(WHITEOUT)) {
            marker(e, comps, base);
            return;
        }
        Fd parentFd = target.dirFd(comps, comps.size() - 1, e.name());
        List<String> dirComps = comps.subList(0, comps.size() - 1);
        if (!dirTimes.has(dirComps)) dirTimes.keep(dirComps, TargetRoot.pathOf(parentFd), e.name());
        written.add(String.join("/", comps));
        if (e.type() == TarEntry.REGULAR) {
            // most entries: named only through the descriptor, no path built
            regular(e, parentFd, base);
            return;
        }
        // every other kind too is made and restored by name in the parent's descriptor (the *at calls)
        switch (e.type()) {
            case TarEntry.DIRECTORY -> directory(e, comps, parentFd, base);
            case TarEntry.SYMLINK -> {
                create(parentFd, base, () -> Inodes.symlink(e.linkName(), parentFd, base));
                Metadata.restore(parentFd, base, attributes(e, FileStat.S_IFLNK), options.chown());
            }
            case TarEntry.HARDLINK -> hardlink(e, parentFd, base);
            default -> {
                int type = e.type() == TarEntry.CHAR_DEVICE ? FileStat.S_IFCHR
                        : e.type() == TarEntry.BLOCK_DEVICE ? FileStat.S_IFBLK : FileStat.S_IFIFO;
                create(parentFd, base, () -> Inodes.mknod(parentFd, base, type, 0600, e.devMajor(), e.devMinor()));
                Metadata.restore(parentFd, base, attributes(e, type), options.chown());
            }
        }
    }

    private void directory(TarEntry e, List<String> comps, Fd parent, String base) throws IOException {
        FileStat st = FileStat.ofOrNull(parent, base);
        if (st == null || !st.isDirectory()) {
            if (st != null) remove(TargetRoot.pathOf(parent).resolve(base), st);
            Inodes.mkdir(parent, base, 0700);
        }
        Metadata.restoreOwnerModeXattrs(parent, base, attributes(e, FileStat.S_IFDIR), options.chown());
        // A directory made where this layer deleted the name (".wh.d", then "d/"): in an overlay
        // upper it must hide the lower's d, as the kernel marks a dir made over a whiteout.
        if (st != null && st.isWhiteout() && options.whiteouts() == ApplyOptions.WhiteoutMode.OVERLAY_UPPER) {
            Xattrs.set(parent.procPath().resolve(base), "trusted.overlay.opaque", OPAQUE_VALUE);
        }
        dirTimes.set(comps, e.name(), atime(e), e.mtimeNanos());
    }

    /**
     * Creates the file by its one name in the parent's descriptor (O_EXCL|O_NOFOLLOW: nothing
     * in the way is followed or reused), writes the content and sets owner, mode, xattrs and
     * times through the same descriptor, as GNU tar does: no name is resolved twice.
     */
    private void regular(TarEntry e, Fd parent, String base) throws IOException {
        Fd f;
        try {
            f = parent.openAt(base, CREATE_FLAGS, 0600);
        } catch (SyscallException.ExistsException x) {
            removeInTheWay(parent, base);
            f = parent.openAt(base, CREATE_FLAGS, 0600);
        }
        try (Fd out = f) {
            content(e, out);
            Metadata.restore(out, attributes(e, FileStat.S_IFREG), options.chown());
        }
    }

    /**
     * Writes the entry's data, leaving a hole for each all-zero 4 KiB block (at a file offset
     * that is a multiple of 4 KiB) so sparse files stay sparse: jstore's own writer, like
     * Docker's, stores them whole. The scan stops at the first non-zero byte of a data block.
     * The block holding the last byte is always written, to fix the length. Plain entries are
     * written straight from the reader's buffer; GNU sparse ones arrive expanded through
     * {@link #buf}.
     */
    private void content(TarEntry e, Fd out) throws IOException {
        long size = e.size();
        if (!tar.sparse()) {
            for (long pos = 0; pos < size; ) {
                int n = tar.buffered();
                writeNonZero(out, tar.buffer(), tar.offset(), n, pos, size);
                tar.consume(n);
                pos += n;
            }
            return;
        }
        for (long pos = 0; pos < size; ) {
            int n = fill(e);
            writeNonZero(out, buf, 0, n, pos, size);
            pos += n;
        }
    }

    /** Writes {@code b[off, off+n)} at {@code filePos} of a file of {@code size} bytes, but not its zero blocks. */
    private void writeNonZero(Fd out, byte[] b, int off, int n, long filePos, long size) throws IOException {
        int run = 0;
        for (int at = (int) ((HOLE - filePos % HOLE) % HOLE); at + HOLE <= n && filePos + at + HOLE < size; at += HOLE) {
            if (Arrays.mismatch(b, off + at, off + at + HOLE, ZERO_BLOCK, 0, HOLE) < 0) {
                writeAt(out, b, off + run, at - run, filePos + run);
                run = at + HOLE;
            }
        }
        writeAt(out, b, off + run, n - run, filePos + run);
    }

    private int fill(TarEntry e) throws IOException {
        int n = 0;
        while (n < buf.length && tar.remaining() > 0) {
            int r = tar.read(buf, n, buf.length - n);
            if (r < 0) throw new LayerFormatException(e.name(), "truncated data");
            n += r;
        }
        return n;
    }

    private void writeAt(Fd out, byte[] b, int off, int len, long filePos) throws IOException {
        if (len == 0) return;
        ByteBuffer view = b == buf ? bufView : readerView(b);
        out.write(view.clear().position(off).limit(off + len), filePos);
    }

    private ByteBuffer readerView(byte[] b) {
        if (readerView == null || readerView.array() != b) readerView = ByteBuffer.wrap(b);
        return readerView;
    }

    private void hardlink(TarEntry e, Fd parent, String base) throws IOException {
        List<String> to = TargetRoot.components(e.name(), e.linkName());
        if (to.isEmpty()) throw new LayerFormatException(e.name(), "hardlink to the root");
        String fromRel = TargetRoot.join(to, to.size() - 1);
        String fromBase = to.get(to.size() - 1);
        Fd from = target.existingDirFd(fromRel, e.name());
        FileStat st = from == null ? null : FileStat.ofOrNull(from, fromBase);
        if (st == null && !options.lowers().isEmpty() && copyUp(to, e.name()) != null) {
            from = target.existingDirFd(fromRel, e.name());
            st = FileStat.of(from, fromBase);
        }
        if (st == null) throw new LayerFormatException(e.name(), "hardlink target '" + e.linkName() + "' does not exist");
        if (st.isDirectory()) throw new UnsafeEntryException(e.name(), "hardlink to a directory");
        Fd source = from;
        create(parent, base, () -> Inodes.link(source, fromBase, parent, base));
    }

    /**
     * A hardlink into an overlay upper whose target only a lower layer has: a link cannot cross
     * layers, so the target is copied up first, as the kernel does for link(2) in the merged
     * view, with its parent dirs made in the upper as the lowers show them.
     */
    private Path copyUp(List<String> to, String entry) throws IOException {
        List<Path> layers = new ArrayList<>();
        layers.add(target.existingDir("", entry));
        layers.addAll(options.lowers());
        Path lower = OverlayLowers.find(layers, to);
        if (lower == null || FileStat.of(lower).isDirectory() || !options.lowers().contains(layerOf(lower))) return null;
        for (int i = 1; i < to.size(); i++) {
            String rel = TargetRoot.join(to, i);
            if (target.existingDir(rel, entry) != null) continue;
            Path parent = target.existingDir(TargetRoot.join(to, i - 1), entry);
            Path lowerDir = OverlayLowers.findDir(options.lowers(), to.subList(0, i));
            Path dir = parent.resolve(to.get(i - 1));
            Files.createDirectory(dir);
            Metadata.Attributes a = Metadata.read(lowerDir, FileStat.of(lowerDir));
            Metadata.restoreOwnerModeXattrs(dir, a, options.chown());
            dirTimes.set(to.subList(0, i), entry, a.atimeNanos(), a.mtimeNanos());
        }
        Path copy = target.existingDir(TargetRoot.join(to, to.size() - 1), entry).resolve(to.get(to.size() - 1));
        TreeCopy.copyEntry(lower, copy);
        return copy;
    }

    private Path layerOf(Path lowerEntry) {
        for (Path l : options.lowers()) if (lowerEntry.startsWith(l)) return l;
        return null;
    }

    /** The final component {@code comps} names, through its parent's descriptor; null when the parent is missing. */
    private Path existing(List<String> comps, String entry) throws IOException {
        if (comps.isEmpty()) return target.existingDir("", entry);
        Path parent = target.existingDir(TargetRoot.join(comps, comps.size() - 1), entry);
        return parent == null ? null : parent.resolve(comps.get(comps.size() - 1));
    }

    private void marker(TarEntry e, List<String> comps, String base) throws IOException {
        List<String> dirComps = comps.subList(0, comps.size() - 1);
        if (base.equals(OPAQUE)) {
            if (options.whiteouts() == ApplyOptions.WhiteoutMode.OVERLAY_UPPER) {
                Path dir = target.dir(comps, comps.size() - 1, e.name());
                dirTimes.keep(dirComps, dir, e.name());
                Xattrs.set(dir, "trusted.overlay.opaque", OPAQUE_VALUE);
            } else {
                Path dir = target.dirToDeleteIn(TargetRoot.join(comps, comps.size() - 1), e.name());
                if (dir != null) {
                    dirTimes.keep(dirComps, dir, e.name());
                    emptyExceptWritten(dir, String.join("/", dirComps));
                }
            }
            return;
        }
        String name = base.substring(WHITEOUT.length());
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.startsWith(WHITEOUT)) {
            throw new UnsafeEntryException(e.name(), "whiteout names no entry ('" + base + "')");
        }
        if (options.whiteouts() == ApplyOptions.WhiteoutMode.OVERLAY_UPPER) {
            Fd dir = target.dirFd(comps, comps.size() - 1, e.name());
            dirTimes.keep(dirComps, TargetRoot.pathOf(dir), e.name());
            create(dir, name, () -> Inodes.whiteout(dir, name));
            written.add(TargetRoot.join(comps, comps.size() - 1) + "/" + name);
            return;
        }
        Path dir = target.dirToDeleteIn(TargetRoot.join(comps, comps.size() - 1), e.name());
        if (dir == null) return;
        Path p = dir.resolve(name);
        FileStat st = FileStat.ofOrNull(p);
        if (st != null) {
            dirTimes.keep(dirComps, dir, e.name());
            remove(p, st);
        }
    }

    private void emptyExceptWritten(Path dir, String rel) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path c : s) children.add(c);
        }
        for (Path c : children) {
            String childRel = (rel.isEmpty() ? "" : rel + "/") + c.getFileName();
            if (!written.contains(childRel)) remove(c, FileStat.of(c));
        }
    }

    private interface Make {
        void run() throws IOException;
    }

    /** Makes {@code name} in {@code parent}; whatever is in the way is removed first, as other unpackers do. */
    private void create(Fd parent, String name, Make make) throws IOException {
        try {
            make.run();
        } catch (SyscallException.ExistsException x) {
            removeInTheWay(parent, name);
            make.run();
        }
    }

    private void removeInTheWay(Fd parent, String name) throws IOException {
        remove(TargetRoot.pathOf(parent).resolve(name), FileStat.of(parent, name));
    }

    private void remove(Path p, FileStat st) throws IOException {
        if (st.isDirectory()) {
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
                for (Path c : s) children.add(c);
            }
            for (Path c : children) remove(c, FileStat.of(c));
        }
        Files.delete(p);
        if (st.isDirectory() || st.isSymlink()) stale = true;
    }

    /**
     * The JDK's file API reports ENOSPC/EDQUOT as a plain IOException whose message is the C
     * library's text; callers must be able to catch a full disk by type, so it becomes the
     * linux module's NoSpaceException naming the entry. Anything else passes unchanged.
     */
    private IOException noSpace(TarEntry e, IOException x) {
        for (int errno : new int[] {Errno.ENOSPC, Errno.EDQUOT}) {
            String text = Errno.describe(errno);
            boolean full = x instanceof SyscallException s ? s.is(errno)
                    : x.getMessage() != null && x.getMessage().contains(text)
                    || x instanceof java.nio.file.FileSystemException f && text.equals(f.getReason());
            if (full) {
                SyscallException typed = SyscallException.withDetail("apply", errno, "layer entry '" + e.name() + "'", target.path());
                typed.initCause(x);
                return typed;
            }
        }
        return x;
    }

    private Metadata.Attributes attributes(TarEntry e, int type) {
        Map<String, byte[]> x = e.xattrs();
        for (String k : x.keySet()) {
            if (k.startsWith("trusted.overlay.")) {
                x = new TreeMap<>(x);
                x.keySet().removeIf(n -> n.startsWith("trusted.overlay."));
                break;
            }
        }
        return new Metadata.Attributes(type, e.mode(), e.uid(), e.gid(), atime(e), e.mtimeNanos(), x);
    }

    private static long atime(TarEntry e) {
        return e.atimeNanos() >= 0 ? e.atimeNanos() : e.mtimeNanos();
    }
}
