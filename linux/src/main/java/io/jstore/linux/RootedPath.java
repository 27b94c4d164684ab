package io.jstore.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * {@code openat2(2)} with {@code RESOLVE_IN_ROOT}: a path resolved as if {@code root} were
 * "/" — {@code ..} stops at the root, absolute symlinks restart at the root — so no name in
 * an untrusted archive can reach outside it, however the tree's symlinks are laid out.
 */
public final class RootedPath {
    private RootedPath() {}

    public static final long RESOLVE_NO_XDEV = 0x01;
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    public static final long RESOLVE_BENEATH = 0x08;
    public static final long RESOLVE_IN_ROOT = 0x10;

    private static volatile Boolean supported;

    /**
     * Opens {@code relative} inside {@code root}. {@code flags} are open(2) flags (O_PATH,
     * O_DIRECTORY, O_NOFOLLOW…); O_CLOEXEC is added.
     */
    public static Fd open(Fd root, String relative, int flags, long resolve) throws SyscallException {
        byte[] how = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .putLong((flags | Fd.O_CLOEXEC) & 0xffffffffL).putLong(0).putLong(resolve).array();
        String name = relative.isEmpty() ? "." : relative;
        while (true) {
            long fd = Library.LIBC.syscall(Library.SYS_OPENAT2, root.number(), name, how, how.length);
            if (fd >= 0) return new Fd((int) fd, root.description() + "/" + relative);
            int errno = Library.errno();
            // EAGAIN: a concurrent rename raced the lookup; the kernel asks us to retry.
            if (errno == Errno.EAGAIN || errno == Errno.EINTR) continue;
            throw SyscallException.of("openat2", errno, root.description(), relative);
        }
    }

    /** Whether this kernel has openat2 (5.6+). */
    public static boolean supported() {
        Boolean s = supported;
        if (s == null) {
            try (Fd root = Fd.open(Path.of("/"), Fd.O_PATH | Fd.O_DIRECTORY);
                 Fd self = open(root, ".", Fd.O_PATH, RESOLVE_IN_ROOT)) {
                s = true;
            } catch (SyscallException e) {
                s = false;
            }
            supported = s;
        }
        return s;
    }
}
