package io.jstore.layer;

import io.jstore.linux.Errno;
import io.jstore.linux.Fd;
import io.jstore.linux.Inodes;
import io.jstore.linux.RootedPath;
import io.jstore.linux.SyscallException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The directory a layer is applied to, and the only way the applier names anything in it.
 * Every parent directory is opened with {@code openat2(RESOLVE_IN_ROOT)}: {@code ..} stops at
 * the root and absolute symlinks restart there, so neither a symlink the layer made earlier
 * nor one already in the target can lead outside. The final component is then named through
 * the parent's descriptor ({@code /proc/self/fd/N/name}) with calls that never follow it.
 *
 * <p>Parents are cached by path; anything that removes a directory or symlink drops the cache,
 * since a cached descriptor would otherwise outlive the name it was opened by.
 */
final class TargetRoot implements AutoCloseable {
    private static final int CACHE_LIMIT = 256;
    private static final long RESOLVE = RootedPath.RESOLVE_IN_ROOT | RootedPath.RESOLVE_NO_MAGICLINKS;

    private final Fd root;
    private final Path path;
    private final Map<String, Fd> parents = new HashMap<>();

    TargetRoot(Path dir) throws SyscallException {
        this.path = dir;
        this.root = Fd.open(dir, Fd.O_PATH | Fd.O_DIRECTORY);
        if (!RootedPath.supported()) {
            root.close();
            throw SyscallException.of("openat2", Errno.ENOSYS, dir);
        }
    }

    /**
     * Splits a tar name into components below the root: a leading {@code /} or {@code ./} is
     * dropped as tar does; {@code ..} anywhere is refused rather than clamped, since no honest
     * layer writer emits it.
     */
    static List<String> components(String entry, String name) throws UnsafeEntryException {
        List<String> out = new ArrayList<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) throw new UnsafeEntryException(entry, "'..' in path '" + name + "'");
            out.add(c);
        }
        return out;
    }

    static String join(List<String> comps, int n) {
        return String.join("/", comps.subList(0, n));
    }

    /** The directory {@code rel} ("" = root) as a path through its descriptor; null if it does not exist. */
    Path existingDir(String rel, String entry) throws IOException {
        return existingDir(rel, entry, false);
    }

    /**
     * For deleting: the directory {@code rel}, or null when nothing of that name is a directory.
     * Writers emit whiteouts of children of a directory the same layer turned into a file
     * (umoci does); there is nothing below a file to delete.
     */
    Path dirToDeleteIn(String rel, String entry) throws IOException {
        return existingDir(rel, entry, true);
    }

    private Path existingDir(String rel, String entry, boolean notDirIsAbsent) throws IOException {
        Fd fd = existingFd(rel, entry, notDirIsAbsent);
        return fd == null ? null : inside(fd);
    }

    private Fd existingFd(String rel, String entry, boolean notDirIsAbsent) throws IOException {
        Fd fd = parents.get(rel);
        if (fd == null) {
            try {
                fd = RootedPath.open(root, rel, Fd.O_PATH | Fd.O_DIRECTORY, RESOLVE);
            } catch (SyscallException e) {
                if (e.is(Errno.ENOENT) || notDirIsAbsent && e.is(Errno.ENOTDIR)) return null;
                throw unresolvable(entry, rel, e);
            }
            parents.put(rel, fd);
        }
        return fd;
    }

    /**
     * A path naming the directory of {@code fd} itself. A bare {@code /proc/self/fd/N} is a
     * magic link: the l* calls (lsetxattr, lchown, utimensat with AT_SYMLINK_NOFOLLOW) act on
     * the link and fail (ENOTSUP) or do nothing; the trailing "." makes the kernel walk through
     * it, so the final component is the directory.
     */
    private static Path inside(Fd fd) {
        return fd.procPath().resolve(".");
    }

    /** Like {@link #existingDir} but makes missing directories (mode 0755, as other tools do). */
    Path dir(List<String> comps, int n, String entry) throws IOException {
        return inside(dirFd(comps, n, entry));
    }

    /**
     * The directory of the first {@code n} components, made if missing, as the descriptor to
     * name its children by ({@code openat} and the other *at calls with one component, never
     * following it). Valid until {@link #invalidate} or {@link #trim}.
     */
    Fd dirFd(List<String> comps, int n, String entry) throws IOException {
        String rel = join(comps, n);
        Fd fd = existingFd(rel, entry, false);
        if (fd != null) return fd;
        Fd parent = dirFd(comps, n - 1, entry);
        try {
            Inodes.mkdir(parent, comps.get(n - 1), 0755);
        } catch (SyscallException.ExistsException e) {
            // something not a directory is in the way (a file, a dangling symlink)
            throw new LayerFormatException(entry, "'" + rel + "' exists and is not a directory");
        }
        fd = existingFd(rel, entry, false);
        if (fd == null) throw new LayerFormatException(entry, "directory '" + rel + "' vanished while applying");
        return fd;
    }

    /** A path naming the directory of a descriptor from {@link #dirFd}, for the path-based calls. */
    static Path pathOf(Fd dir) {
        return inside(dir);
    }

    /** The target directory as the caller named it, for messages. */
    Path path() {
        return path;
    }

    /**
     * Bounds the cache; called between entries only, so the descriptors an entry holds (its
     * parent, a hardlink's source directory) stay open while it is made.
     */
    void trim() {
        if (parents.size() >= CACHE_LIMIT) invalidate();
    }

    /** The directory {@code rel} ("" = root) as a descriptor; null if it does not exist. Valid as {@link #dirFd}'s. */
    Fd existingDirFd(String rel, String entry) throws IOException {
        return existingFd(rel, entry, false);
    }

    /** Forgets every cached parent, after a directory or symlink was removed or replaced. */
    void invalidate() {
        for (Fd fd : parents.values()) fd.close();
        parents.clear();
    }

    private static LayerFormatException unresolvable(String entry, String rel, SyscallException e) {
        String why = switch (e.errnoName()) {
            case "ENOTDIR" -> "'" + rel + "' is not a directory";
            case "ELOOP" -> "symlink loop resolving '" + rel + "'";
            default -> "cannot resolve '" + rel + "': " + e.getMessage();
        };
        return new LayerFormatException(entry, why, e);
    }

    @Override
    public void close() {
        invalidate();
        root.close();
    }
}
