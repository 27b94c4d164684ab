package io.jstore.linux;

import java.util.Set;

/** The {@code MS_*} flags of {@code mount(2)}. */
public enum MountFlag {
    RDONLY(1L, "ro"),
    NOSUID(2L, "nosuid"),
    NODEV(4L, "nodev"),
    NOEXEC(8L, "noexec"),
    SYNCHRONOUS(16L, "sync"),
    REMOUNT(32L, "remount"),
    MANDLOCK(64L, "mand"),
    DIRSYNC(128L, "dirsync"),
    NOSYMFOLLOW(256L, "nosymfollow"),
    NOATIME(1024L, "noatime"),
    NODIRATIME(2048L, "nodiratime"),
    BIND(4096L, "bind"),
    MOVE(8192L, "move"),
    REC(16384L, "rec"),
    SILENT(32768L, "silent"),
    UNBINDABLE(1L << 17, "unbindable"),
    PRIVATE(1L << 18, "private"),
    SLAVE(1L << 19, "slave"),
    SHARED(1L << 20, "shared"),
    RELATIME(1L << 21, "relatime"),
    STRICTATIME(1L << 24, "strictatime"),
    LAZYTIME(1L << 25, "lazytime");

    private final long bits;
    private final String option;

    MountFlag(long bits, String option) {
        this.bits = bits;
        this.option = option;
    }

    public long bits() {
        return bits;
    }

    /** The word for this flag in a mount option list, as mount(8) and fstab spell it. */
    public String option() {
        return option;
    }

    public static long bits(Set<MountFlag> flags) {
        long b = 0;
        for (MountFlag f : flags) b |= f.bits;
        return b;
    }
}
