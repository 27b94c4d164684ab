package io.jstore.linux;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The mount table of this process, from {@code /proc/self/mountinfo} (proc(5)):
 * <pre>36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue</pre>
 * The kernel escapes space, tab, newline and backslash in names as {@code \040 \011 \012 \134};
 * {@link #parse} decodes them, so mount points come back as the real paths.
 */
public final class MountInfo {
    private MountInfo() {}

    private static final Path SELF = Path.of("/proc/self/mountinfo");

    /** One line of mountinfo, with every escaped field decoded. */
    public record Entry(int mountId, int parentId, int major, int minor, String root, Path mountPoint,
                        List<String> options, List<String> optionalFields, String fsType, String source,
                        List<String> superOptions) {
        public Entry {
            options = List.copyOf(options);
            optionalFields = List.copyOf(optionalFields);
            superOptions = List.copyOf(superOptions);
        }

        /** Whether the per-mount options say {@code ro}. */
        public boolean readOnly() {
            return options.contains("ro");
        }
    }

    /** The current mount table of this process (its mount namespace, seen from its root). */
    public static List<Entry> self() {
        try {
            return parse(Files.readString(SELF, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            // only a process without /proc gets here; nothing a caller could recover from
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses mountinfo text. Read it as ISO-8859-1 (bytes as chars): names are decoded from
     * their escaped bytes as UTF-8 here, after the octal escapes are resolved.
     */
    public static List<Entry> parse(String text) {
        List<Entry> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            out.add(parseLine(line));
        }
        return out;
    }

    private static Entry parseLine(String line) {
        String[] f = line.split(" ");
        int sep = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                sep = i;
                break;
            }
        }
        if (f.length < 7 || sep < 0 || f.length < sep + 3) {
            throw new IllegalArgumentException("not a mountinfo line: " + line);
        }
        String[] dev = f[2].split(":");
        List<String> optional = new ArrayList<>();
        for (int i = 6; i < sep; i++) optional.add(decode(f[i]));
        return new Entry(
                Integer.parseInt(f[0]), Integer.parseInt(f[1]),
                Integer.parseInt(dev[0]), Integer.parseInt(dev[1]),
                decode(f[3]), Path.of(decode(f[4])),
                List.of(decode(f[5]).split(",")), optional,
                decode(f[sep + 1]), decode(f[sep + 2]),
                sep + 3 < f.length ? List.of(decode(f[sep + 3]).split(",")) : List.of());
    }

    /** Resolves {@code \ooo} escapes and reads the resulting bytes as UTF-8. */
    static String decode(String field) {
        if (field.indexOf('\\') < 0 && isAscii(field)) return field;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                bytes.write(Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                bytes.write(c & 0xff);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isOctal(String s, int at) {
        if (at + 3 > s.length()) return false;
        for (int i = at; i < at + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') return false;
        }
        return true;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }

    /** The top-most mount on exactly {@code mountPoint} (the one a path lookup sees), if any. */
    public static Optional<Entry> at(Path mountPoint) {
        return topOf(self(), canonical(mountPoint));
    }

    static Optional<Entry> topOf(List<Entry> table, Path point) {
        List<Entry> here = table.stream().filter(e -> e.mountPoint().equals(point)).toList();
        if (here.isEmpty()) return Optional.empty();
        // A mount stacked on the same point has the one below it as parent.
        Set<Integer> covered = new HashSet<>();
        for (Entry e : here) covered.add(e.parentId());
        for (int i = here.size() - 1; i >= 0; i--) {
            if (!covered.contains(here.get(i).mountId())) return Optional.of(here.get(i));
        }
        return Optional.of(here.get(here.size() - 1));
    }

    /** Whether something is mounted on exactly {@code path}. */
    public static boolean isMountPoint(Path path) {
        return at(path).isPresent();
    }

    /**
     * Every mount at or below {@code dir}, deepest first, and of mounts stacked on one point
     * the top-most first: the order in which a cleanup can unmount them one by one.
     */
    public static List<Entry> under(Path dir) {
        return below(self(), canonical(dir));
    }

    static List<Entry> below(List<Entry> table, Path dir) {
        List<Entry> hits = new ArrayList<>();
        for (Entry e : table) if (e.mountPoint().startsWith(dir)) hits.add(e);
        List<Entry> ordered = new ArrayList<>(hits);
        // mountinfo lists a mount after the one it is stacked on, so reversing puts tops first;
        // the stable sort by depth then keeps that order for one point.
        Collections.reverse(ordered);
        ordered.sort(Comparator.comparingInt((Entry e) -> e.mountPoint().getNameCount()).reversed());
        return ordered;
    }

    /**
     * The path as mountinfo spells it: absolute, symlinks resolved where the path exists
     * (mountinfo shows resolved paths), as given otherwise.
     */
    private static Path canonical(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return abs.toRealPath();
        } catch (IOException e) {
            return abs;
        }
    }
}
