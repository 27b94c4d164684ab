package io.jstore.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options every store-touching command shares. The root defaults to /var/lib/jstore for root
 * and $XDG_DATA_HOME/jstore otherwise, as Podman's storage does; JSTORE_ROOT overrides both.
 */
final class GlobalOptions {
    @Option(names = "--root", description = "Store root (default: $JSTORE_ROOT, /var/lib/jstore for root, else $XDG_DATA_HOME/jstore).")
    Path root;

    @Option(names = "--driver", description = "Storage driver (default: the best one whose probe accepts the root).")
    String driver;

    @Option(names = "--verbose", description = "Print stack traces of failures.")
    boolean verbose;

    Path root() {
        if (root != null) return root;
        String env = System.getenv("JSTORE_ROOT");
        if (env != null && !env.isEmpty()) return Path.of(env);
        if ("root".equals(System.getProperty("user.name"))) return Path.of("/var/lib/jstore");
        String xdg = System.getenv("XDG_DATA_HOME");
        Path data = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return data.resolve("jstore");
    }
}
