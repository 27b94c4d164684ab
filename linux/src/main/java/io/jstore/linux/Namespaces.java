package io.jstore.linux;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code unshare(2)}, {@code setns(2)}, {@code pivot_root(2)} and {@code sethostname(2)}.
 *
 * <p>In a JVM these act on the calling <em>thread</em>: the kernel keeps namespaces, root
 * and working directory per task, and the JVM's other threads stay where they were. So a
 * thread that unshares its mount namespace sees its own mounts, the rest of the JVM does
 * not; {@code CLONE_NEWUSER} fails in any multi-threaded process, and {@code CLONE_NEWPID}
 * only places future children. Whatever must hold for a whole process belongs in a child
 * process (the runtime shim).
 */
public final class Namespaces {
    private Namespaces() {}

    /** Namespace kinds for {@link #unshare} and {@link #setns} (sched.h). */
    public static final int CLONE_NEWNS = 0x00020000;
    public static final int CLONE_NEWCGROUP = 0x02000000;
    public static final int CLONE_NEWUTS = 0x04000000;
    public static final int CLONE_NEWIPC = 0x08000000;
    public static final int CLONE_NEWUSER = 0x10000000;
    public static final int CLONE_NEWPID = 0x20000000;
    public static final int CLONE_NEWNET = 0x40000000;
    /** Unshares the file-system attributes (root, cwd, umask) from the other threads. */
    public static final int CLONE_FS = 0x00000200;

    /** Moves the calling thread into new namespaces of the kinds in {@code flags}. */
    public static void unshare(int flags) throws SyscallException {
        if (Library.LIBC.unshare(flags) != 0) throw SyscallException.last("unshare(0x" + Integer.toHexString(flags) + ")");
    }

    /**
     * Moves the calling thread into the namespace {@code nsFd} refers to (an open
     * {@code /proc/<pid>/ns/*} file); {@code nstype} is its CLONE_NEW* kind, or 0 for any.
     */
    public static void setns(Fd nsFd, int nstype) throws SyscallException {
        if (Library.LIBC.setns(nsFd.number(), nstype) != 0) throw SyscallException.last("setns", nsFd.description());
    }

    /** Opens {@code /proc/thread-self/ns/<kind>} ({@code mnt}, {@code uts}, …) to come back to later with {@link #setns}. */
    public static Fd current(String kind) throws SyscallException {
        return Fd.open(Path.of("/proc/thread-self/ns/" + kind), Fd.O_RDONLY);
    }

    /**
     * Makes {@code newRoot} the root of the calling thread's mount namespace and puts the old
     * root at {@code putOld} (inside {@code newRoot}). {@code newRoot} must be a mount point
     * and neither it nor the current root may have shared propagation.
     */
    public static void pivotRoot(Path newRoot, Path putOld) throws SyscallException {
        if (Library.LIBC.syscall(Library.SYS_PIVOT_ROOT, newRoot.toString(), putOld.toString()) != 0) {
            throw SyscallException.last("pivot_root", newRoot, putOld);
        }
    }

    /** Sets the hostname of the calling thread's UTS namespace. */
    public static void sethostname(String name) throws SyscallException {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (Library.LIBC.sethostname(name, bytes.length) != 0) throw SyscallException.last("sethostname", name);
    }

    /** The hostname of the calling thread's UTS namespace. */
    public static String hostname() throws SyscallException {
        byte[] buf = new byte[256];
        if (Library.LIBC.gethostname(buf, buf.length) != 0) throw SyscallException.last("gethostname");
        int n = 0;
        while (n < buf.length && buf[n] != 0) n++;
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }
}
