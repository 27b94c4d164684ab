package io.jstore.cli;

import io.jstore.graph.ContainerRecord;
import io.jstore.graph.Graph;
import io.jstore.shim.ContainerRuntime;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jstore container create|ls|mount|umount|changes|diff|rm}: read-write layers on images. */
@Command(name = "container", description = "Create, list, mount, diff and remove containers' read-write layers.",
        subcommands = {ContainerCommands.Create.class, ContainerCommands.Ls.class, RefCommands.Mount.class,
                RefCommands.Umount.class, RefCommands.Changes.class, RefCommands.Diff.class, ContainerCommands.Rm.class})
final class ContainerCommands implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", description = "Create a container's read-write layer on an image (or on nothing).")
    static final class Create implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "The container's name: letters, digits, '_', '.', '-'.")
        String id;

        @Option(names = "--image", paramLabel = "IMAGE", description = "The image to start from (default: an empty root).")
        String image;

        @Override
        public Integer call() throws Exception {
            try (Graph g = global.open()) {
                ContainerRecord c = g.createContainer(id, image, Map.of());
                PrintWriter out = spec.commandLine().getOut();
                if (output.json()) Output.json(out, c);
                else out.println(c.id());
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "ls", description = "List containers.")
    static final class Ls implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (Graph g = global.open()) {
                List<ContainerRecord> cs = g.containers();
                PrintWriter out = spec.commandLine().getOut();
                if (output.json()) {
                    Output.json(out, cs);
                    return 0;
                }
                Output.Table t = new Output.Table("CONTAINER", "IMAGE", "LAYER", "MOUNTS", "STATE", "CREATED", "CACHE ID");
                for (ContainerRecord c : cs) {
                    t.row(c.id(), Output.shortId(c.image()), Output.shortId(c.layer()), g.mountsOf(c.id()).count(),
                            c.state(), Output.time(c.created()), c.cacheId());
                }
                t.print(out);
            }
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove containers and their read-write layers; refused while mounted.")
    static final class Rm implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "ID", arity = "1..*")
        List<String> ids;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            boolean json = output.json();
            List<String> removed = new java.util.ArrayList<>();
            try (Graph g = global.open()) {
                // the runtime's removal: a container `jstore run` made also has its directory to go
                ContainerRuntime rt = new ContainerRuntime(g);
                for (String id : ids) {
                    rt.remove(id, false);
                    removed.add(id);
                    if (!json) out.println("removed " + id);
                }
            }
            if (json) Output.json(out, Map.of("removed", removed));
            out.flush();
            return 0;
        }
    }
}
