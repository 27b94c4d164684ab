package io.jstore.cli;

import io.jstore.graph.Graph;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The subcommands {@code layer} and {@code container} share: each takes a layer ref or a
 * container id, and the graph knows which it is.
 */
final class RefCommands {
    private RefCommands() {}

    @Command(name = "mount", description = "Mount and print the root; it stays mounted after this command until `umount`.")
    static final class Mount implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "REF", description = "A container id, or a layer's ChainID or unique prefix.")
        String ref;

        @Override
        public Integer call() throws Exception {
            boolean json = output.json();
            try (Graph g = global.open()) {
                Path root = g.mountDetached(ref);
                PrintWriter out = spec.commandLine().getOut();
                if (json) Output.json(out, Map.of("ref", ref, "root", root.toString(), "mounts", g.mountsOf(ref).count()));
                else out.println(root);
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "umount", description = "Drop one mount reference; the last one unmounts.")
    static final class Umount implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "REF", description = "A container id, or a layer's ChainID or unique prefix.")
        String ref;

        @Override
        public Integer call() throws Exception {
            boolean json = output.json();
            try (Graph g = global.open()) {
                g.unmount(ref);
                if (json) Output.json(spec.commandLine().getOut(), Map.of("ref", ref, "mounts", g.mountsOf(ref).count()));
            }
            return 0;
        }
    }

    @Command(name = "diff", description = "Write the changes against the parent as an OCI layer tar (to stdout or -o FILE).")
    static final class Diff implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "REF", description = "A container id, or a layer's ChainID or unique prefix.")
        String ref;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the tar here instead of stdout.")
        Path file;

        @Override
        public Integer call() throws Exception {
            try (Graph g = global.open(); OutputStream out = file == null ? LayerCommands.stdout() : new FileOutputStream(file.toFile())) {
                g.diff(ref, out);
            }
            return 0;
        }
    }

    @Command(name = "changes", description = "List the changes against the parent: A added, C changed, D deleted.")
    static final class Changes implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "REF", description = "A container id, or a layer's ChainID or unique prefix.")
        String ref;

        @Override
        public Integer call() throws Exception {
            try (Graph g = global.open()) {
                PrintWriter out = spec.commandLine().getOut();
                LayerCommands.printChanges(out, g.changes(ref), output.json());
            }
            return 0;
        }
    }
}
