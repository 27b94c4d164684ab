package io.jstore.linux;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A mount option list split the way mount(8) splits it: words that are {@code MS_*} flags
 * go to the flags, everything else to the filesystem's data string.
 */
public record MountOptions(Set<MountFlag> flags, List<String> data) {

    private static final Map<String, MountFlag> WORDS = Map.ofEntries(
            Map.entry("ro", MountFlag.RDONLY),
            Map.entry("nosuid", MountFlag.NOSUID),
            Map.entry("nodev", MountFlag.NODEV),
            Map.entry("noexec", MountFlag.NOEXEC),
            Map.entry("sync", MountFlag.SYNCHRONOUS),
            Map.entry("remount", MountFlag.REMOUNT),
            Map.entry("dirsync", MountFlag.DIRSYNC),
            Map.entry("noatime", MountFlag.NOATIME),
            Map.entry("nodiratime", MountFlag.NODIRATIME),
            Map.entry("bind", MountFlag.BIND),
            Map.entry("rbind", MountFlag.BIND),
            Map.entry("relatime", MountFlag.RELATIME),
            Map.entry("strictatime", MountFlag.STRICTATIME),
            Map.entry("private", MountFlag.PRIVATE),
            Map.entry("rprivate", MountFlag.PRIVATE),
            Map.entry("slave", MountFlag.SLAVE),
            Map.entry("rslave", MountFlag.SLAVE),
            Map.entry("shared", MountFlag.SHARED),
            Map.entry("rshared", MountFlag.SHARED),
            Map.entry("unbindable", MountFlag.UNBINDABLE));

    public MountOptions {
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(flags);
        data = List.copyOf(data);
    }

    public static MountOptions parse(List<String> options) {
        EnumSet<MountFlag> flags = EnumSet.noneOf(MountFlag.class);
        List<String> data = new ArrayList<>();
        for (String o : options) {
            switch (o) {
                case "rw", "defaults", "" -> { }
                case "rbind", "rprivate", "rslave", "rshared" -> {
                    flags.add(WORDS.get(o));
                    flags.add(MountFlag.REC);
                }
                default -> {
                    MountFlag f = WORDS.get(o);
                    if (f != null) flags.add(f); else data.add(o);
                }
            }
        }
        return new MountOptions(flags, data);
    }

    public long flagBits() {
        return MountFlag.bits(flags);
    }

    /** The filesystem data string, or null when there is none (mount(2) accepts NULL). */
    public String dataString() {
        return data.isEmpty() ? null : String.join(",", data);
    }
}
