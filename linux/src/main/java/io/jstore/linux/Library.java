package io.jstore.linux;

import java.nio.ByteBuffer;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Pinned;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;

/**
 * Every native declaration of this module. Nothing outside this package sees a jnr-ffi type:
 * the public classes take {@code Path}s and return values or throw {@link SyscallException}.
 *
 * <p>Buffers are plain {@code byte[]}/{@code long[]} decoded with little-endian ByteBuffers
 * (x86_64 and arm64 layouts agree for every struct used here), which keeps the marshalling
 * obvious and avoids jnr Struct classes.
 */
final class Library {
    private Library() {}

    public interface LibC {
        // mounts
        int mount(String source, String target, String fstype, long flags, String data);
        int umount2(String target, int flags);
        int fsopen(String fsname, int flags);
        int fsconfig(int fd, int cmd, String key, String value, int aux);
        int fsmount(int fd, int flags, int attrFlags);
        int move_mount(int fromDirfd, String fromPath, int toDirfd, String toPath, int flags);
        int open_tree(int dirfd, String path, int flags);

        // files
        int isatty(int fd);
        long lgetxattr(String path, String name, @Out byte[] value, long size);
        int lsetxattr(String path, String name, @In byte[] value, long size, int flags);
        long llistxattr(String path, @Out byte[] list, long size);
        int lremovexattr(String path, String name);
        int fsetxattr(int fd, String name, @In byte[] value, long size, int flags);
        int mknodat(int dirfd, String path, int mode, long dev);
        int mkdirat(int dirfd, String path, int mode);
        int symlinkat(String target, int newdirfd, String linkpath);
        int linkat(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);
        int fchownat(int dirfd, String path, int uid, int gid, int flags);
        int fchmodat(int dirfd, String path, int mode, int flags);
        int utimensat(int dirfd, String path, @In long[] times, int flags);
        int fchown(int fd, int uid, int gid);
        int fchmod(int fd, int mode);
        int futimens(int fd, @In long[] times);
        int renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);
        int statx(int dirfd, String path, int flags, int mask, @Out byte[] buf);
        int statfs(String path, @Out byte[] buf);
        int fstatfs(int fd, @Out byte[] buf);
        int syncfs(int fd);
        int open(String path, int flags, int mode);
        int openat(int dirfd, String path, int flags, int mode);
        int close(int fd);
        long read(int fd, @Out byte[] buf, long count);
        long write(int fd, @In byte[] buf, long count);
        // pinned: the heap array is handed to the kernel in place instead of copied to native memory first
        long pwrite(int fd, @In @Pinned ByteBuffer buf, long count, long offset);
        long getdents64(int fd, @Out byte[] buf, long count);
        long lseek(int fd, long offset, int whence);
        long copy_file_range(int fdIn, Pointer offIn, int fdOut, Pointer offOut, long len, int flags);
        int ftruncate(int fd, long length);
        int flock(int fd, int operation);
        long flistxattr(int fd, @Out byte[] list, long size);
        long fgetxattr(int fd, String name, @Out byte[] value, long size);
        long read(int fd, @Out ByteBuffer buf, long count);
        // Pointer, not long: declared with a long address and result, jnr's generated stub passed glibc a
        // garbled offset (EINVAL without a system call); the reflective one did not
        Pointer mmap(Pointer addr, @size_t long length, int prot, int flags, int fd, @off_t long offset);

        // ioctl: one overload per argument shape
        int ioctl(int fd, long request, long arg);
        int ioctl(int fd, long request, @In @Out byte[] arg);

        // processes
        int unshare(int flags);
        int chdir(String path);
        int setns(int fd, int nstype);
        int sethostname(String name, long len);
        int gethostname(@Out byte[] name, long len);
        int getuid();

        // calls without a glibc wrapper go through syscall(2); overloads per argument shape
        long syscall(long number, int dirfd, String path, @In byte[] how, long size);
        long syscall(long number, String a, String b);
        long syscall(long number, int dirfd, String path, int flags, @Out byte[] buf, long size);
        long syscall(long number, int dirfd, String path, int mode, int flags);

        String strerror(int errnum);
    }

    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    static int errno() {
        return RUNTIME.getLastError();
    }

    // x86_64 syscall numbers; arm64 shares these two through the generic table.
    static final long SYS_PIVOT_ROOT = isArm64() ? 41 : 155;
    static final long SYS_OPENAT2 = 437;
    /** Linux 6.13+; the generic table gives arm64 the same number. */
    static final long SYS_LISTXATTRAT = 465;
    /** Linux 6.6+, the first fchmodat that honours AT_SYMLINK_NOFOLLOW; the same number on arm64. */
    static final long SYS_FCHMODAT2 = 452;

    private static boolean isArm64() {
        String arch = System.getProperty("os.arch");
        return arch.equals("aarch64") || arch.equals("arm64");
    }
}
