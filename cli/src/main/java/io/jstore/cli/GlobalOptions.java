package io.jstore.cli;

import io.jstore.graph.Graph;
import io.jstore.graph.StoreRoot;
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
        return StoreRoot.resolve(root);
    }

    /** Opens the store's graph with {@code --driver}, else the driver the store was made with, else the best probe. */
    Graph open() throws java.io.IOException {
        return Graph.open(root(), driver);
    }
}
