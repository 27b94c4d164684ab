package io.jstore.graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a store lives when the caller does not say: {@code $JSTORE_ROOT}, else
 * {@code /var/lib/jstore} for root, else {@code $XDG_DATA_HOME/jstore} (falling back to
 * {@code ~/.local/share/jstore} as the XDG base-directory spec says), the way Podman picks
 * between {@code /var/lib/containers} and {@code ~/.local/share/containers}.
 */
public final class StoreRoot {
    private StoreRoot() {}

    public static final Path SYSTEM = Path.of("/var/lib/jstore");

    /** The root for this process: {@code explicit} (a {@code --root}) when given, else the defaults above. */
    public static Path resolve(Path explicit) {
        // before the uid is looked up: jstore run's thin client resolves its root on every start
        if (explicit != null) return explicit;
        return resolve(null, System.getenv(), isRoot(), Path.of(System.getProperty("user.home")));
    }

    /** The same rule over an explicit environment, for tests and embedders. */
    public static Path resolve(Path explicit, Map<String, String> env, boolean root, Path home) {
        if (explicit != null) return explicit;
        String fromEnv = env.get("JSTORE_ROOT");
        if (fromEnv != null && !fromEnv.isEmpty()) return Path.of(fromEnv);
        if (root) return SYSTEM;
        String xdg = env.get("XDG_DATA_HOME");
        // The XDG spec: a relative $XDG_DATA_HOME is invalid and must be ignored.
        Path data = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : home.resolve(".local/share");
        return data.resolve("jstore");
    }

    /** Whether the effective uid is 0 ({@code /proc/self} belongs to it), not whether the user is called "root". */
    public static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
