package io.jstore.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The device-mapper ioctls on {@code /dev/mapper/control} (linux/dm-ioctl.h), what
 * {@code dmsetup} does without libdevmapper: create a device, load its table, resume or
 * suspend it, send a target a message, read its status, remove it.
 *
 * <p>Every call passes one buffer: a {@code struct dm_ioctl} header (312 bytes) followed by
 * the payload at {@code data_start}; the kernel writes its answer into the same buffer and
 * sets {@code DM_BUFFER_FULL_FLAG} when it was too small, and the call is repeated with a
 * bigger one. Devices are named by their dm name; their block device is
 * {@code /dev/dm-<minor>}, which devtmpfs makes without udev.
 */
public final class DeviceMapper {
    private DeviceMapper() {}

    public static final Path CONTROL = Path.of("/dev/mapper/control");

    private static final int HEADER = 312;
    private static final int NAME_LEN = 128;
    private static final int UUID_LEN = 129;
    private static final int SPEC = 40; // struct dm_target_spec without its parameter string
    private static final int TYPE_LEN = 16;
    // _IOWR(0xfd, nr, struct dm_ioctl)
    private static final long IOWR = 0xC0000000L | ((long) HEADER << 16) | (0xfdL << 8);
    private static final int LIST_DEVICES = 2, DEV_CREATE = 3, DEV_REMOVE = 4, DEV_SUSPEND = 6, DEV_STATUS = 7,
            TABLE_LOAD = 9, TABLE_STATUS = 12, LIST_VERSIONS = 13, TARGET_MSG = 14;
    private static final String[] NAMES = {"DM_VERSION", "DM_REMOVE_ALL", "DM_LIST_DEVICES", "DM_DEV_CREATE",
        "DM_DEV_REMOVE", "DM_DEV_RENAME", "DM_DEV_SUSPEND", "DM_DEV_STATUS", "DM_DEV_WAIT", "DM_TABLE_LOAD",
        "DM_TABLE_CLEAR", "DM_TABLE_DEPS", "DM_TABLE_STATUS", "DM_LIST_VERSIONS", "DM_TARGET_MSG"};

    private static final int SUSPEND_FLAG = 1 << 1;
    private static final int ACTIVE_PRESENT_FLAG = 1 << 5;
    private static final int INACTIVE_PRESENT_FLAG = 1 << 6;
    private static final int BUFFER_FULL_FLAG = 1 << 8;
    private static final int DATA_OUT_FLAG = 1 << 16;
    private static final int DEFERRED_REMOVE_FLAG = 1 << 17;

    /** One line of a table: sectors {@code [start, start+length)} mapped by a target. */
    public record Target(long startSector, long lengthSectors, String type, String params) {
        @Override
        public String toString() {
            return startSector + " " + lengthSectors + " " + type + " " + params;
        }
    }

    /** What DM_DEV_STATUS reports of a device. */
    public record Info(String name, String uuid, int major, int minor, int openCount, int targetCount,
                       boolean suspended, boolean activeTable, boolean inactiveTable) {
        /** The block device devtmpfs made for it. */
        public Path path() {
            return Path.of("/dev/dm-" + minor);
        }

        /** {@code major:minor}, as tables name devices. */
        public String devNo() {
            return major + ":" + minor;
        }
    }

    /** A target type the kernel has loaded, with its version. */
    public record TargetType(String name, int major, int minor, int patch) {}

    /** Whether the control device exists (the kernel has device-mapper). */
    public static boolean available() {
        return Files.exists(CONTROL);
    }

    /** The target types the kernel has now ({@code linear}, {@code thin-pool}, {@code thin}…). */
    public static List<TargetType> targetTypes() throws SyscallException {
        ByteBuffer b = call(LIST_VERSIONS, "", 0, new byte[0]);
        List<TargetType> out = new ArrayList<>();
        int at = b.getInt(16);
        int end = b.getInt(12);
        while (at + 16 <= end) {
            int next = b.getInt(at);
            out.add(new TargetType(cString(b, at + 16, end - at - 16), b.getInt(at + 4), b.getInt(at + 8), b.getInt(at + 12)));
            if (next == 0) break;
            at += next;
        }
        return out;
    }

    /** Names of every dm device of the machine. */
    public static List<String> list() throws SyscallException {
        ByteBuffer b = call(LIST_DEVICES, "", 0, new byte[0]);
        List<String> out = new ArrayList<>();
        int at = b.getInt(16);
        int end = b.getInt(12);
        while (at + 12 <= end) {
            if (b.getLong(at) == 0) break; // an empty list is one entry with dev 0
            int next = b.getInt(at + 8);
            out.add(cString(b, at + 12, end - at - 12));
            if (next == 0) break;
            at += next;
        }
        return out;
    }

    /** Creates a device with no table yet (DM_DEV_CREATE); {@code uuid} may be empty. */
    public static Info create(String name, String uuid) throws SyscallException {
        byte[] u = uuid.getBytes(StandardCharsets.UTF_8);
        if (u.length >= UUID_LEN) throw new IllegalArgumentException("dm uuid longer than " + (UUID_LEN - 1) + ": " + uuid);
        return info(call(DEV_CREATE, name, 0, new byte[0], u));
    }

    /** Loads {@code table} as the device's inactive table (DM_TABLE_LOAD); a resume makes it live. */
    public static void load(String name, List<Target> table) throws SyscallException {
        List<byte[]> specs = new ArrayList<>();
        int total = 0;
        for (Target t : table) {
            byte[] params = (t.params() + "\0").getBytes(StandardCharsets.UTF_8);
            int size = align8(SPEC + params.length);
            ByteBuffer s = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
            s.putLong(0, t.startSector());
            s.putLong(8, t.lengthSectors());
            s.putInt(20, size); // next: relative to this spec on input
            byte[] type = t.type().getBytes(StandardCharsets.UTF_8);
            if (type.length >= TYPE_LEN) throw new IllegalArgumentException("dm target type too long: " + t.type());
            s.put(24, type);
            s.put(SPEC, params);
            specs.add(s.array());
            total += size;
        }
        ByteBuffer payload = ByteBuffer.allocate(total);
        for (byte[] s : specs) payload.put(s);
        callWithTargets(TABLE_LOAD, name, 0, payload.array(), table.size());
    }

    /** Makes a loaded table live and lets I/O through (DM_DEV_SUSPEND without the suspend flag). */
    public static Info resume(String name) throws SyscallException {
        return info(call(DEV_SUSPEND, name, 0, new byte[0]));
    }

    /** Holds I/O and flushes the filesystem on the device (DM_DEV_SUSPEND). */
    public static void suspend(String name) throws SyscallException {
        call(DEV_SUSPEND, name, SUSPEND_FLAG, new byte[0]);
    }

    /**
     * Removes the device. {@code deferred}: if it is open (mounted), the kernel removes it
     * when the last opener closes it instead of failing with EBUSY.
     */
    public static void remove(String name, boolean deferred) throws SyscallException {
        call(DEV_REMOVE, name, deferred ? DEFERRED_REMOVE_FLAG : 0, new byte[0]);
    }

    /** The device's state, or empty if there is no device of that name. */
    public static Optional<Info> info(String name) throws SyscallException {
        try {
            return Optional.of(info(call(DEV_STATUS, name, 0, new byte[0])));
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENXIO) return Optional.empty();
            throw e;
        }
    }

    /** The live table's targets, each with the target's status line as its params (DM_TABLE_STATUS). */
    public static List<Target> status(String name) throws SyscallException {
        ByteBuffer b = call(TABLE_STATUS, name, 0, new byte[0]);
        int start = b.getInt(16);
        int count = b.getInt(20);
        int end = b.getInt(12);
        List<Target> out = new ArrayList<>();
        int at = start;
        for (int i = 0; i < count && at + SPEC <= end; i++) {
            out.add(new Target(b.getLong(at), b.getLong(at + 8), cString(b, at + 24, TYPE_LEN),
                    cString(b, at + SPEC, end - at - SPEC)));
            at = start + b.getInt(at + 20); // next: relative to the data area on output
        }
        return out;
    }

    /** Sends a target a message (DM_TARGET_MSG), e.g. thin-pool's {@code create_thin 7}; returns its reply, if any. */
    public static String message(String name, long sector, String message) throws SyscallException {
        byte[] text = (message + "\0").getBytes(StandardCharsets.UTF_8);
        ByteBuffer m = ByteBuffer.allocate(align8(8 + text.length)).order(ByteOrder.LITTLE_ENDIAN);
        m.putLong(0, sector);
        m.put(8, text);
        ByteBuffer b = call(TARGET_MSG, name, 0, m.array());
        if ((b.getInt(28) & DATA_OUT_FLAG) == 0) return "";
        return cString(b, b.getInt(16), b.getInt(12) - b.getInt(16));
    }

    private static Info info(ByteBuffer b) {
        long dev = b.getLong(40);
        int major = (int) ((dev & 0xfff00) >>> 8);
        int minor = (int) ((dev & 0xff) | ((dev >>> 12) & 0xfff00));
        int flags = b.getInt(28);
        return new Info(cString(b, 48, NAME_LEN), cString(b, 176, UUID_LEN), major, minor, b.getInt(24), b.getInt(20),
                (flags & SUSPEND_FLAG) != 0, (flags & ACTIVE_PRESENT_FLAG) != 0, (flags & INACTIVE_PRESENT_FLAG) != 0);
    }

    private static ByteBuffer call(int cmd, String name, int flags, byte[] payload) throws SyscallException {
        return call(cmd, name, flags, payload, new byte[0]);
    }

    private static ByteBuffer callWithTargets(int cmd, String name, int flags, byte[] payload, int targets)
            throws SyscallException {
        return run(cmd, name, flags, payload, new byte[0], targets);
    }

    private static ByteBuffer call(int cmd, String name, int flags, byte[] payload, byte[] uuid) throws SyscallException {
        return run(cmd, name, flags, payload, uuid, 0);
    }

    private static ByteBuffer run(int cmd, String name, int flags, byte[] payload, byte[] uuid, int targets)
            throws SyscallException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length >= NAME_LEN) throw new IllegalArgumentException("dm name longer than " + (NAME_LEN - 1) + ": " + name);
        int size = Math.max(16 << 10, HEADER + payload.length);
        try (Fd control = Fd.open(CONTROL, Fd.O_RDWR)) {
            while (true) {
                byte[] buf = new byte[size];
                ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
                b.putInt(0, 4); // interface version 4.0.0: the kernel accepts any 4.x at or below its own
                b.putInt(12, size);
                b.putInt(16, HEADER);
                b.putInt(20, targets);
                b.putInt(28, flags);
                b.put(48, n);
                b.put(176, uuid);
                b.put(HEADER, payload);
                if (Library.LIBC.ioctl(control.number(), IOWR | cmd, buf) != 0) {
                    throw SyscallException.last("ioctl(" + NAMES[cmd] + ")", name.isEmpty() ? CONTROL : name);
                }
                if ((b.getInt(28) & BUFFER_FULL_FLAG) == 0) return b;
                size *= 4;
            }
        }
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }

    private static String cString(ByteBuffer b, int at, int max) {
        int len = 0;
        int limit = Math.min(max, b.capacity() - at);
        while (len < limit && b.get(at + len) != 0) len++;
        byte[] s = new byte[len];
        b.get(at, s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
