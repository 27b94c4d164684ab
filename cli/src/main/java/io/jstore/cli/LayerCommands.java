package io.jstore.cli;

import io.jstore.graph.Graph;
import io.jstore.graph.LayerRecord;
import io.jstore.graph.LayerSource;
import io.jstore.layer.Change;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jstore layer ls|inspect|create|rm|mount|umount|diff|changes}: read-only layers by ChainID. */
@Command(name = "layer", description = "List, inspect, create, remove, mount and diff layers.",
        subcommands = {LayerCommands.Ls.class, LayerCommands.Inspect.class, LayerCommands.Create.class,
                LayerCommands.Rm.class, RefCommands.Mount.class, RefCommands.Umount.class, RefCommands.Diff.class,
                RefCommands.Changes.class})
final class LayerCommands implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "ls", description = "List layers.")
    static final class Ls implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (Graph g = global.open()) {
                List<LayerRecord> layers = g.layers();
                PrintWriter out = spec.commandLine().getOut();
                if (output.json()) {
                    Output.json(out, layers);
                    return 0;
                }
                Output.Table t = new Output.Table("CHAIN ID", "DIFF ID", "PARENT", "SIZE", "REFS", "CACHE ID");
                for (LayerRecord l : layers) {
                    t.row(Output.shortId(l.chainId()), Output.shortId(l.diffId()), Output.shortId(l.parent()),
                            Output.bytes(l.size()), l.refCount(), l.cacheId());
                }
                t.print(out);
            }
            return 0;
        }
    }

    @Command(name = "inspect", description = "Show a layer: record, children, mounts and the driver's facts (JSON).")
    static final class Inspect implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "LAYER", description = "ChainID or unique prefix.")
        String ref;

        @Override
        public Integer call() throws Exception {
            output.json();
            try (Graph g = global.open()) {
                LayerRecord l = g.layer(ref);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("layer", l);
                m.put("children", g.children(l.chainId()));
                m.put("mounts", g.mountsOf(l.chainId()).count());
                m.put("driver", g.driver().metadata(l.cacheId()));
                Output.json(spec.commandLine().getOut(), m);
            }
            return 0;
        }
    }

    @Command(name = "create", description = "Register a layer from a tar (plain, gzip, zstd) or an empty one; it is held until `layer rm`.")
    static final class Create implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Option(names = "--parent", paramLabel = "LAYER", description = "The layer to stack on.")
        String parent;

        @Option(names = "--from", paramLabel = "TAR", description = "The layer's changeset (default: empty).")
        Path from;

        @Override
        public Integer call() throws Exception {
            try (Graph g = global.open();
                 InputStream in = from != null ? Files.newInputStream(from) : new ByteArrayInputStream(new byte[1024])) {
                String parentChain = parent == null ? null : g.layer(parent).chainId();
                LayerRecord l = g.registerLayer(parentChain, in, LayerSource.UNKNOWN, true, null);
                PrintWriter out = spec.commandLine().getOut();
                if (output.json()) Output.json(out, l);
                else out.println(l.chainId());
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove layers now (with their `layer create` holds); refused while an image, container, child or mount needs one.")
    static final class Rm implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "LAYER", arity = "1..*", description = "ChainIDs or unique prefixes.")
        List<String> refs;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            boolean json = output.json();
            List<String> removed = new java.util.ArrayList<>();
            try (Graph g = global.open()) {
                for (String ref : refs) {
                    String chain = g.layer(ref).chainId();
                    g.removeLayer(chain);
                    removed.add(chain);
                    if (!json) out.println("removed " + chain);
                }
            }
            if (json) Output.json(out, Map.of("removed", removed));
            out.flush();
            return 0;
        }
    }

    /** Change lines as {@code docker diff} prints them, or JSON. */
    static void printChanges(PrintWriter out, List<Change> changes, boolean json) throws java.io.IOException {
        if (json) {
            Output.json(out, changes.stream().map(c -> Map.of("kind", String.valueOf(c.kind().letter()), "path", c.path())).toList());
            return;
        }
        for (Change c : changes) out.println(c);
        out.flush();
    }

    static OutputStream stdout() {
        return new java.io.FilterOutputStream(System.out) {
            @Override
            public void close() throws java.io.IOException {
                flush(); // never close the process's stdout
            }
        };
    }
}
