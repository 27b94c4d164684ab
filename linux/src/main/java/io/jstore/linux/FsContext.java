package io.jstore.linux;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The new mount API: {@code fsopen} → {@code fsconfig}… → {@code fsmount} → {@code move_mount}.
 *
 * <p>Each option is its own call, so there is no page-size limit on the option string (the
 * reason overlay uses it: {@code lowerdir+} takes one layer per call, up to the kernel's 500).
 * When a call fails, the kernel's own explanation is read from the context's message log and
 * put into the exception.
 */
public final class FsContext implements AutoCloseable {
    private static final int FSOPEN_CLOEXEC = 1;
    private static final int FSCONFIG_SET_FLAG = 0;
    private static final int FSCONFIG_SET_STRING = 1;
    private static final int FSCONFIG_SET_PATH = 3;
    private static final int FSCONFIG_SET_FD = 5;
    private static final int FSCONFIG_CMD_CREATE = 6;
    private static final int FSMOUNT_CLOEXEC = 1;
    private static final int MOVE_MOUNT_F_EMPTY_PATH = 4;

    /** {@code MOUNT_ATTR_*} for {@link #mount(int)}. */
    public static final int MOUNT_ATTR_RDONLY = 0x1;
    public static final int MOUNT_ATTR_NOSUID = 0x2;
    public static final int MOUNT_ATTR_NODEV = 0x4;
    public static final int MOUNT_ATTR_NOEXEC = 0x8;

    private final Fd fd;
    private final String fsname;

    private FsContext(Fd fd, String fsname) {
        this.fd = fd;
        this.fsname = fsname;
    }

    public static FsContext open(String fsname) throws SyscallException {
        int fd = Library.LIBC.fsopen(fsname, FSOPEN_CLOEXEC);
        if (fd < 0) throw SyscallException.last("fsopen", fsname);
        return new FsContext(new Fd(fd, "fsopen(" + fsname + ")"), fsname);
    }

    /** Whether this kernel has fsopen(2) and knows the filesystem. */
    public static boolean supported(String fsname) {
        int fd = Library.LIBC.fsopen(fsname, FSOPEN_CLOEXEC);
        if (fd < 0) return false;
        Library.LIBC.close(fd);
        return true;
    }

    public FsContext setFlag(String key) throws SyscallException {
        return config(FSCONFIG_SET_FLAG, key, null, 0);
    }

    public FsContext setString(String key, String value) throws SyscallException {
        return config(FSCONFIG_SET_STRING, key, value, 0);
    }

    /** A path-valued key, resolved by the kernel relative to the current directory. */
    public FsContext setPath(String key, Path value) throws SyscallException {
        return config(FSCONFIG_SET_PATH, key, value.toString(), Fd.AT_FDCWD);
    }

    /** A descriptor-valued key (e.g. {@code source} for a block device already opened). */
    public FsContext setFd(String key, Fd value) throws SyscallException {
        return config(FSCONFIG_SET_FD, key, null, value.number());
    }

    /** Applies one {@code key[=value]} option word the way {@code mount -o} would. */
    public FsContext option(String word) throws SyscallException {
        int eq = word.indexOf('=');
        return eq < 0 ? setFlag(word) : setString(word.substring(0, eq), word.substring(eq + 1));
    }

    /** Creates the superblock and returns a detached mount of it. */
    public DetachedMount mount(int attrFlags) throws SyscallException {
        config(FSCONFIG_CMD_CREATE, null, null, 0);
        int m = Library.LIBC.fsmount(fd.number(), FSMOUNT_CLOEXEC, attrFlags);
        if (m < 0) throw failure("fsmount", Library.errno());
        return new DetachedMount(new Fd(m, "fsmount(" + fsname + ")"));
    }

    private FsContext config(int cmd, String key, String value, int aux) throws SyscallException {
        if (Library.LIBC.fsconfig(fd.number(), cmd, key, value, aux) != 0) {
            String what = key == null ? "create" : value == null ? key : key + "=" + value;
            throw failure("fsconfig(" + what + ")", Library.errno());
        }
        return this;
    }

    private SyscallException failure(String call, int errno) {
        return SyscallException.withDetail(call, errno, kernelLog(), fsname);
    }

    /** Drains the context's message log ("e overlay: ..." lines); empty if there is none. */
    private String kernelLog() {
        StringBuilder out = new StringBuilder();
        byte[] buf = new byte[1024];
        for (int i = 0; i < 32; i++) {
            long n = Library.LIBC.read(fd.number(), buf, buf.length);
            if (n <= 0) break;
            if (out.length() > 0) out.append("; ");
            out.append(new String(buf, 0, (int) n, StandardCharsets.UTF_8).strip());
        }
        return out.toString();
    }

    @Override
    public void close() {
        fd.close();
    }

    /** A mount not yet attached anywhere; closing it without {@link #moveTo} discards it. */
    public static final class DetachedMount implements AutoCloseable {
        private final Fd fd;

        DetachedMount(Fd fd) {
            this.fd = fd;
        }

        /** Clones the tree at {@code source} as a detached mount ({@code open_tree(OPEN_TREE_CLONE)}). */
        public static DetachedMount cloneOf(Path source, boolean recursive) throws SyscallException {
            final int OPEN_TREE_CLONE = 1;
            final int AT_RECURSIVE = 0x8000;
            int flags = OPEN_TREE_CLONE | Fd.O_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
            int m = Library.LIBC.open_tree(Fd.AT_FDCWD, source.toString(), flags);
            if (m < 0) throw SyscallException.last("open_tree", source);
            return new DetachedMount(new Fd(m, "open_tree(" + source + ")"));
        }

        public void moveTo(Path target) throws SyscallException {
            int rc = Library.LIBC.move_mount(fd.number(), "", Fd.AT_FDCWD, target.toString(), MOVE_MOUNT_F_EMPTY_PATH);
            if (rc != 0) throw SyscallException.last("move_mount", fd.description(), target);
        }

        @Override
        public void close() {
            fd.close();
        }
    }
}
