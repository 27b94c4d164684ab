package io.jstore.shim;

import java.util.List;

/** Linux capability names (as OCI spells them) and their numbers (linux/capability.h). */
public final class Capabilities {
    private Capabilities() {}

    private static final List<String> BY_NUMBER = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
            "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
            "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
            "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    /** What Docker grants a container unless told otherwise (moby's oci/caps defaults). */
    public static final List<String> DOCKER_DEFAULT = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
            "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
            "CAP_AUDIT_WRITE");

    public static int number(String name) {
        String n = name.toUpperCase(java.util.Locale.ROOT);
        int i = BY_NUMBER.indexOf(n.startsWith("CAP_") ? n : "CAP_" + n);
        if (i < 0) throw new IllegalArgumentException("unknown capability " + name);
        return i;
    }

    public static String name(int number) {
        return BY_NUMBER.get(number);
    }

    /** The bit mask of the named capabilities, as capset(2) and /proc/PID/status (CapEff) show it. */
    public static long mask(List<String> names) {
        long m = 0;
        for (String n : names) m |= 1L << number(n);
        return m;
    }
}
