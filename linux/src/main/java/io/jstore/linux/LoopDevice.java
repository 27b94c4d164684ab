package io.jstore.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A loop device bound to a backing file, held open for as long as this object lives.
 *
 * <p>Devices are configured with {@code LO_FLAGS_AUTOCLEAR}: the kernel unbinds the device
 * when its last opener goes away, so a JVM that dies leaves at most a mounted device (which
 * unbinds itself once unmounted), never a free-floating binding. {@link #close()} asks for
 * the unbind explicitly; while something still holds the device (a mount) the kernel defers
 * it to that last close.
 */
public final class LoopDevice implements AutoCloseable {
    private static final Path CONTROL = Path.of("/dev/loop-control");
    private static final long LOOP_CTL_GET_FREE = 0x4C82;
    private static final long LOOP_CONFIGURE = 0x4C0A;
    private static final long LOOP_CLR_FD = 0x4C01;
    private static final long LOOP_GET_STATUS64 = 0x4C05;

    /** {@code LO_FLAGS_*} as {@link Status#flags()} reports them. */
    public static final int LO_FLAGS_READ_ONLY = 1;
    public static final int LO_FLAGS_AUTOCLEAR = 4;
    public static final int LO_FLAGS_PARTSCAN = 8;
    public static final int LO_FLAGS_DIRECT_IO = 16;

    // struct loop_config { u32 fd; u32 block_size; struct loop_info64 info; u64 reserved[8]; }
    private static final int LOOP_INFO64_SIZE = 232;
    private static final int LOOP_CONFIG_SIZE = 8 + LOOP_INFO64_SIZE + 64;
    private static final int INFO_DEVICE = 0;
    private static final int INFO_INODE = 8;
    private static final int INFO_FLAGS = 52;
    private static final int INFO_FILE_NAME = 56;
    private static final int LO_NAME_SIZE = 64;
    // Another process may take the number LOOP_CTL_GET_FREE handed us before we bind it.
    private static final int ATTACH_ATTEMPTS = 64;
    // sysfs's backing_file of a file unlinked since it was bound (d_path's marker)
    private static final String DELETED = " (deleted)";

    private final int number;
    private final Path backingFile;
    private final Fd device;
    private boolean closed;

    private LoopDevice(int number, Path backingFile, Fd device) {
        this.number = number;
        this.backingFile = backingFile;
        this.device = device;
    }

    /**
     * Binds a free loop device to {@code backingFile}. {@code readOnly} makes the device
     * read-only; {@code directIo} asks the kernel to bypass the page cache of the backing file
     * (the kernel falls back to buffered I/O where the backing filesystem cannot do it).
     */
    public static LoopDevice attach(Path backingFile, boolean readOnly, boolean directIo) throws SyscallException {
        return attach(backingFile, readOnly, directIo, 0);
    }

    /**
     * As {@link #attach(Path, boolean, boolean)}, with the device's logical block size fixed
     * ({@code blockSize} 512…4096, a power of two; 0 lets the kernel choose). A filesystem
     * made on the device records its sector size, and with direct I/O the kernel picks the
     * block size from the backing file's alignment, which can differ between two bindings of
     * the same image (xfs then refuses to mount: "device supports 4096 byte sectors").
     */
    public static LoopDevice attach(Path backingFile, boolean readOnly, boolean directIo, int blockSize)
            throws SyscallException {
        if (blockSize != 0 && (blockSize < 512 || blockSize > 4096 || Integer.bitCount(blockSize) != 1)) {
            throw new IllegalArgumentException("loop block size must be 0 or a power of two in 512..4096: " + blockSize);
        }
        Path file = backingFile.toAbsolutePath().normalize();
        try (Fd backing = Fd.open(file, readOnly ? Fd.O_RDONLY : Fd.O_RDWR)) {
            int flags = LO_FLAGS_AUTOCLEAR | (readOnly ? LO_FLAGS_READ_ONLY : 0) | (directIo ? LO_FLAGS_DIRECT_IO : 0);
            byte[] config = config(backing.number(), blockSize, flags, file);
            SyscallException lastBusy = null;
            for (int attempt = 0; attempt < ATTACH_ATTEMPTS; attempt++) {
                int n = freeNumber();
                Path path = pathOf(n);
                Fd dev;
                try {
                    dev = Fd.open(path, Fd.O_RDWR);
                } catch (SyscallException.NotFoundException e) {
                    // devtmpfs makes the node a moment after LOOP_CTL_GET_FREE creates the device
                    lastBusy = e;
                    Thread.onSpinWait();
                    continue;
                }
                if (Library.LIBC.ioctl(dev.number(), LOOP_CONFIGURE, config) == 0) {
                    return new LoopDevice(n, file, dev);
                }
                int errno = Library.errno();
                dev.close();
                if (errno != Errno.EBUSY) throw SyscallException.of("ioctl(LOOP_CONFIGURE)", errno, path, file);
                lastBusy = SyscallException.of("ioctl(LOOP_CONFIGURE)", errno, path, file);
            }
            throw lastBusy;
        }
    }

    private static byte[] config(int backingFd, int blockSize, int flags, Path file) {
        ByteBuffer b = ByteBuffer.allocate(LOOP_CONFIG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, backingFd);
        b.putInt(4, blockSize);
        b.putInt(8 + INFO_FLAGS, flags);
        // lo_file_name is informational (sysfs reads the real path from the file); keep it short.
        byte[] name = file.toString().getBytes(StandardCharsets.UTF_8);
        b.put(8 + INFO_FILE_NAME, name, 0, Math.min(name.length, LO_NAME_SIZE - 1));
        return b.array();
    }

    private static int freeNumber() throws SyscallException {
        try (Fd control = Fd.open(CONTROL, Fd.O_RDWR)) {
            int n = Library.LIBC.ioctl(control.number(), LOOP_CTL_GET_FREE, 0L);
            if (n < 0) throw SyscallException.last("ioctl(LOOP_CTL_GET_FREE)", CONTROL);
            return n;
        }
    }

    /** {@code /dev/loopN}. */
    public Path path() {
        return pathOf(number);
    }

    /** The N of {@code /dev/loopN}. */
    public int number() {
        return number;
    }

    /** The backing file as it was given, made absolute. */
    public Path backingFile() {
        return backingFile;
    }

    /** What the kernel reports of the binding ({@code LOOP_GET_STATUS64}). */
    public Status status() throws SyscallException {
        byte[] info = new byte[LOOP_INFO64_SIZE];
        if (Library.LIBC.ioctl(device.number(), LOOP_GET_STATUS64, info) != 0) {
            throw SyscallException.last("ioctl(LOOP_GET_STATUS64)", path());
        }
        ByteBuffer b = ByteBuffer.wrap(info).order(ByteOrder.LITTLE_ENDIAN);
        int len = 0;
        while (len < LO_NAME_SIZE && info[INFO_FILE_NAME + len] != 0) len++;
        return new Status(b.getLong(24), b.getLong(32), b.getInt(INFO_FLAGS),
                new String(info, INFO_FILE_NAME, len, StandardCharsets.UTF_8));
    }

    /** The kernel's view of a binding: offset and size limit in bytes, {@code LO_FLAGS_*}, name. */
    public record Status(long offset, long sizeLimit, int flags, String fileName) {
        /** The device refuses writes. */
        public boolean readOnly() { return (flags & LO_FLAGS_READ_ONLY) != 0; }

        /** The kernel unbinds the device when its last opener closes it. */
        public boolean autoclear() { return (flags & LO_FLAGS_AUTOCLEAR) != 0; }

        /** I/O to the backing file bypasses its page cache. */
        public boolean directIo() { return (flags & LO_FLAGS_DIRECT_IO) != 0; }
    }

    /**
     * Unbinds the device ({@code LOOP_CLR_FD}) and closes it. Idempotent. If the device is
     * still mounted the kernel unbinds it when the mount goes.
     */
    @Override
    public void close() throws SyscallException {
        if (closed) return;
        closed = true;
        try {
            clear(device, path());
        } finally {
            device.close();
        }
    }

    /**
     * Unbinds {@code /dev/loop<number>} if it is still bound to {@code backingFile}, whoever
     * bound it: for cleaning up after a process that died. Returns whether it asked the kernel
     * to unbind; a device that is free, absent or bound to another file is left alone.
     */
    public static boolean detach(int number, Path backingFile) throws SyscallException {
        Path path = pathOf(number);
        Fd dev;
        try {
            dev = Fd.open(path, Fd.O_RDONLY);
        } catch (SyscallException.NotFoundException e) {
            return false;
        }
        // Checked only once the device is open: a bound device we hold open cannot be
        // unbound and rebound to another file behind our back.
        try (dev) {
            if (!attachedTo(backingFile).contains(number)) return false;
            clear(dev, path);
            return true;
        }
    }

    private static void clear(Fd dev, Path path) throws SyscallException {
        if (Library.LIBC.ioctl(dev.number(), LOOP_CLR_FD, 0L) != 0) {
            int errno = Library.errno();
            if (errno != Errno.ENXIO) throw SyscallException.of("ioctl(LOOP_CLR_FD)", errno, path);
        }
    }

    /**
     * Opens {@code /dev/loop<number>} and holds it, if it is bound to the file at
     * {@code backingFile} now (same inode, checked once the device is open). A binding found
     * by {@link #boundTo} belongs to whoever holds it, and autoclear unbinds it the moment that
     * holder lets go, perhaps between the look-up and a mount of the device, which then reads
     * nothing (EIO); one held through this object stays until {@link #close()}. Empty when the
     * device is absent, free, being unbound, or bound to another file.
     */
    public static Optional<LoopDevice> openBound(int number, Path backingFile) throws SyscallException {
        Path file = backingFile.toAbsolutePath().normalize();
        FileStat want = FileStat.ofOrNull(file);
        if (want == null) return Optional.empty();
        Path path = pathOf(number);
        Fd dev;
        try {
            dev = Fd.open(path, Fd.O_RDWR);
        } catch (SyscallException.NotFoundException e) {
            return Optional.empty();
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENXIO) return Optional.empty(); // being unbound: opens are refused
            throw e;
        }
        byte[] info = new byte[LOOP_INFO64_SIZE];
        if (Library.LIBC.ioctl(dev.number(), LOOP_GET_STATUS64, info) == 0) {
            ByteBuffer b = ByteBuffer.wrap(info).order(ByteOrder.LITTLE_ENDIAN);
            if (b.getLong(INFO_DEVICE) == encodeDev(want.devMajor(), want.devMinor()) && b.getLong(INFO_INODE) == want.ino()) {
                return Optional.of(new LoopDevice(number, file, dev));
            }
        }
        // free (ENXIO) or another file's: closing leaves it as it was, since its binder holds it
        dev.close();
        return Optional.empty();
    }

    /** The kernel's {@code new_encode_dev}, as {@code lo_device} carries the backing file's st_dev. */
    private static long encodeDev(int major, int minor) {
        return (minor & 0xffL) | ((long) major << 8) | ((long) (minor & ~0xff) << 12);
    }

    /** The file bound to {@code /dev/loop<number>}, or empty when it is free or absent. */
    public static Optional<Path> backingFileOf(int number) {
        Path sys = Path.of("/sys/block/loop" + number + "/loop/backing_file");
        try {
            String s = Files.readString(sys, StandardCharsets.UTF_8);
            s = s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
            return s.isEmpty() ? Optional.empty() : Optional.of(Path.of(s));
        } catch (IOException e) {
            return Optional.empty(); // no such device, or not bound (sysfs has no loop/ dir then)
        }
    }

    /**
     * Numbers of the loop devices bound to {@code backingFile}, including bindings whose file
     * has since been deleted.
     */
    public static List<Integer> attachedTo(Path backingFile) {
        return bindingsOf(backingFile, true);
    }

    /**
     * Numbers of the loop devices bound to the file that is at {@code file} now. A binding of
     * an earlier file of that name, deleted since but still held open (by a mount, perhaps a
     * copy of one in another mount namespace), is not one of them: it holds other blocks.
     */
    public static List<Integer> boundTo(Path file) {
        return bindingsOf(file, false);
    }

    private static List<Integer> bindingsOf(Path backingFile, boolean withDeleted) {
        Path want = backingFile.toAbsolutePath().normalize();
        Path real = want;
        try {
            real = want.toRealPath();
        } catch (IOException e) {
            // deleted or unreachable: compare by the given name
        }
        List<Integer> out = new ArrayList<>();
        for (Map.Entry<Integer, Path> e : bindings(withDeleted).entrySet()) {
            if (e.getValue().equals(want) || e.getValue().equals(real)) out.add(e.getKey());
        }
        return out;
    }

    /**
     * Every bound loop device of the machine and its backing file, by number. A file deleted
     * after binding is named without sysfs's {@code " (deleted)"} suffix.
     */
    public static SortedMap<Integer, Path> bound() {
        return bindings(true);
    }

    private static SortedMap<Integer, Path> bindings(boolean withDeleted) {
        SortedMap<Integer, Path> out = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/sys/block"), "loop*")) {
            for (Path p : ds) {
                int n;
                try {
                    n = Integer.parseInt(p.getFileName().toString().substring(4));
                } catch (NumberFormatException e) {
                    continue;
                }
                Optional<Path> f = backingFileOf(n);
                if (f.isEmpty()) continue;
                String s = f.get().toString();
                if (s.endsWith(DELETED)) {
                    if (!withDeleted) continue;
                    s = s.substring(0, s.length() - DELETED.length());
                }
                out.put(n, Path.of(s));
            }
        } catch (IOException e) {
            // no /sys/block: no loop devices to report
        }
        return out;
    }

    private static Path pathOf(int number) {
        return Path.of("/dev/loop" + number);
    }

    @Override
    public String toString() {
        return path() + " -> " + backingFile;
    }
}
