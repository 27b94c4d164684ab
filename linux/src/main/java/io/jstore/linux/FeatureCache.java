package io.jstore.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@link Filesystems#probe} remembered in a file on the filesystem it describes, as
 * containers/storage keeps its overlay feature checks, so that opening a store does not make
 * and remove test files every time (on a slow disk most of a short command's open).
 *
 * <p>The file lives on the probed filesystem itself: a filesystem made anew (mkfs on the same
 * loop device, same st_dev) starts without it. It is used only while its key still holds: the
 * same boot (a new kernel or module may answer differently), the same device and magic (the
 * directory copied elsewhere), the same effective uid ({@code trusted.*} xattrs need root).
 * Anything else, an unreadable or garbled file included, probes again and rewrites it.
 */
final class FeatureCache {
    private FeatureCache() {}

    private static final String VERSION = "jstore-features 1";

    static Filesystems.Features probe(Path dir, Path file) throws SyscallException {
        long magic = Filesystems.statfs(dir).magic();
        String key = key(dir, magic);
        Filesystems.Features known = key == null ? null : read(file, key);
        if (known != null) return known;
        Filesystems.Features f = FeatureProbe.run(dir, magic, Filesystems.typeName(magic));
        if (key != null) write(file, key, f);
        return f;
    }

    private static String key(Path dir, long magic) {
        try {
            return VERSION + " boot=" + BootId.current()
                    + " dev=" + Files.getAttribute(dir, "unix:dev")
                    + " magic=" + Long.toHexString(magic)
                    + " euid=" + Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return null; // nothing to check a remembered answer against: always probe
        }
    }

    private static Filesystems.Features read(Path file, String key) {
        try {
            String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
            if (lines.length != 2 || !lines[0].equals(key)) return null;
            String[] f = lines[1].split(" ");
            if (f.length != 4) return null;
            long magic = Long.parseLong(key.substring(key.indexOf(" magic=") + 7, key.indexOf(" euid=")), 16);
            return new Filesystems.Features(f[0], magic, bool(f[1]), bool(f[2]), bool(f[3]));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean bool(String s) {
        if (s.equals("true")) return true;
        if (s.equals("false")) return false;
        throw new IllegalArgumentException(s);
    }

    /** Best effort, never where the caller has not made the directory: a failed write only costs the next probe. */
    private static void write(Path file, String key, Filesystems.Features f) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) return;
        Path tmp = parent.resolve(file.getFileName() + ".tmp" + ProcessHandle.current().pid());
        String text = key + "\n" + f.type() + " " + f.dType() + " " + f.reflink() + " " + f.trustedXattrs() + "\n";
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a stray temp file of a full or read-only disk; the next write replaces it
            }
        }
    }
}
