package io.jstore.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The trials behind {@link Filesystems#probe}: each feature is tried, never guessed from the type. */
final class FeatureProbe {
    private FeatureProbe() {}

    private static final int DT_UNKNOWN = 0;
    private static final int DT_REG = 8;
    private static final String PROBE_XATTR = "trusted.jstore.probe";

    static Filesystems.Features run(Path dir, long magic, String type) throws SyscallException {
        Path probe = dir.resolve(".jstore-probe-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Path a = probe.resolve("a");
        Path b = probe.resolve("b");
        try {
            Files.createDirectory(probe);
            try (Fd fa = Fd.open(a, Fd.O_RDWR | Fd.O_CREAT | Fd.O_EXCL, 0600)) {
                // one full block: some filesystems refuse to clone a partial tail into a non-empty range
                byte[] block = new byte[4096];
                if (Library.LIBC.write(fa.number(), block, block.length) != block.length) {
                    throw SyscallException.last("write", a);
                }
            }
            boolean dType = dType(probe, "a");
            boolean reflink = reflink(a, b);
            boolean trusted = trustedXattrs(a);
            return new Filesystems.Features(type, magic, dType, reflink, trusted);
        } catch (IOException e) {
            if (e instanceof SyscallException se) throw se;
            throw SyscallException.of("probe", Errno.EINVAL, probe, e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(a);
                Files.deleteIfExists(b);
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                // best effort: a hidden empty file is all that can remain
            }
        }
    }

    /** Whether getdents64 reports the entry's type instead of DT_UNKNOWN. */
    private static boolean dType(Path probe, String name) throws SyscallException {
        try (Fd d = Fd.open(probe, Fd.O_RDONLY | Fd.O_DIRECTORY)) {
            byte[] buf = new byte[4096];
            while (true) {
                long n = Library.LIBC.getdents64(d.number(), buf, buf.length);
                if (n < 0) throw SyscallException.last("getdents64", probe);
                if (n == 0) throw SyscallException.of("getdents64", Errno.ENOENT, probe.resolve(name));
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, (int) n).order(ByteOrder.LITTLE_ENDIAN);
                // struct linux_dirent64 { u64 ino; s64 off; u16 reclen; u8 type; char name[]; }
                for (int off = 0; off < n; ) {
                    int reclen = bb.getShort(off + 16) & 0xffff;
                    int type = buf[off + 18] & 0xff;
                    int end = off + 19;
                    while (end < off + reclen && buf[end] != 0) end++;
                    String entry = new String(buf, off + 19, end - off - 19, StandardCharsets.UTF_8);
                    if (entry.equals(name)) return type != DT_UNKNOWN && type == DT_REG;
                    off += reclen;
                }
            }
        }
    }

    private static boolean reflink(Path a, Path b) throws SyscallException {
        try (Fd src = Fd.open(a, Fd.O_RDONLY);
             Fd dst = Fd.open(b, Fd.O_WRONLY | Fd.O_CREAT | Fd.O_EXCL, 0600)) {
            FileClone.clone(src, dst);
            return true;
        } catch (SyscallException.NotSupportedException e) {
            return false;
        } catch (SyscallException e) {
            if (e.errno() == Errno.EINVAL) return false; // filesystems without remap_file_range
            throw e;
        }
    }

    private static boolean trustedXattrs(Path a) throws SyscallException {
        try {
            Xattrs.set(a, PROBE_XATTR, new byte[] {'y'});
            return Xattrs.get(a, PROBE_XATTR).isPresent();
        } catch (SyscallException.NotSupportedException | SyscallException.PermissionException e) {
            return false;
        }
    }
}
