package io.jstore.linux;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** {@code mount(2)} and {@code umount2(2)}. */
public final class Mounts {
    private Mounts() {}

    public static final int MNT_FORCE = 1;
    public static final int MNT_DETACH = 2;
    public static final int MNT_EXPIRE = 4;
    public static final int UMOUNT_NOFOLLOW = 8;

    /**
     * {@code mount(2)} as written. The kernel copies at most one page of {@code data}; options
     * longer than 4096 bytes are cut silently and fail with a misleading error, so callers with
     * long option strings (overlay lowerdirs) use {@link FsContext} instead.
     */
    public static void mount(String source, Path target, String fstype, Set<MountFlag> flags, String data)
            throws SyscallException {
        int rc = Library.LIBC.mount(source, target.toString(), fstype, MountFlag.bits(flags), data);
        if (rc != 0) throw SyscallException.last("mount", (fstype == null ? source : fstype), target);
    }

    /**
     * {@code mount(2)} with relative paths in {@code data} resolved under {@code cwd}. The kernel
     * resolves them against the caller's current directory, which a JVM shares among all its
     * threads; so the call runs on a fresh thread that first takes a private copy of the
     * filesystem context ({@code unshare(CLONE_FS)}) and changes only its own directory. The
     * thread ends right after, so no other code ever runs with that directory. This is how
     * overlay fits long lower chains into the one page of options mount(2) copies.
     */
    public static void mountIn(Path cwd, String source, Path target, String fstype, Set<MountFlag> flags, String data)
            throws SyscallException {
        SyscallException[] failure = new SyscallException[1];
        Thread t = new Thread(() -> {
            if (Library.LIBC.unshare(Namespaces.CLONE_FS) != 0) {
                failure[0] = SyscallException.last("unshare(CLONE_FS)");
            } else if (Library.LIBC.chdir(cwd.toString()) != 0) {
                failure[0] = SyscallException.last("chdir", cwd);
            } else if (Library.LIBC.mount(source, target.toString(), fstype, MountFlag.bits(flags), data) != 0) {
                failure[0] = SyscallException.last("mount", (fstype == null ? source : fstype), target);
            }
        }, "jstore-mount-in");
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the mount must finish or fail before we can report either
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure[0] != null) throw failure[0];
    }

    /** Mounts with an option list in fstab form ({@code ro,nodev,lowerdir=...}). */
    public static void mount(String source, Path target, String fstype, List<String> options) throws SyscallException {
        MountOptions o = MountOptions.parse(options);
        mount(source, target, fstype, o.flags(), o.dataString());
    }

    public static void bind(Path source, Path target, boolean recursive, boolean readOnly) throws SyscallException {
        EnumSet<MountFlag> flags = EnumSet.of(MountFlag.BIND);
        if (recursive) flags.add(MountFlag.REC);
        mount(source.toString(), target, null, flags, null);
        // MS_RDONLY is ignored on the bind call itself; read-only takes a remount of the bind.
        if (readOnly) {
            mount(null, target, null, EnumSet.of(MountFlag.BIND, MountFlag.REMOUNT, MountFlag.RDONLY), null);
        }
    }

    /** Changes propagation: one of PRIVATE, SLAVE, SHARED, UNBINDABLE, optionally recursive. */
    public static void propagation(Path target, MountFlag kind, boolean recursive) throws SyscallException {
        if (kind != MountFlag.PRIVATE && kind != MountFlag.SLAVE && kind != MountFlag.SHARED
                && kind != MountFlag.UNBINDABLE) {
            throw new IllegalArgumentException(kind + " is not a propagation type");
        }
        EnumSet<MountFlag> flags = EnumSet.of(kind);
        if (recursive) flags.add(MountFlag.REC);
        mount(null, target, null, flags, null);
    }

    public static void unmount(Path target, int flags) throws SyscallException {
        if (Library.LIBC.umount2(target.toString(), flags) != 0) throw SyscallException.last("umount2", target);
    }

    public static void unmount(Path target) throws SyscallException {
        unmount(target, 0);
    }

    /**
     * {@link #unmount(Path)}, tried again while it fails with EBUSY, for up to
     * {@code patienceMillis}. The kernel refuses to unmount a mount that anything holds a
     * reference to, and some holders hold one only for a moment: on these machines, a process
     * copying or dropping a mount namespace (any {@code unshare -m}, any container start)
     * makes an otherwise idle mount refuse now and then. containerd's and LTP's unmount
     * helpers retry the same way. A mount still busy after that (an open file, a process's
     * working directory) fails as before.
     */
    public static void unmountPatiently(Path target, long patienceMillis) throws SyscallException {
        Busy.retry(patienceMillis, () -> unmount(target));
    }
}
