package io.jstore.cli;

import io.jstore.graph.Graph;
import io.jstore.graph.ImageRecord;
import io.jstore.shim.ContainerRuntime;
import io.jstore.shim.ContainerState;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jstore ps|logs|stop|rm|commit}: containers that {@code jstore run} started, as docker's commands of those names. */
final class ContainerLifecycleCommands {
    private ContainerLifecycleCommands() {}

    @Command(name = "ps", description = "List running containers (-a: all).")
    static final class Ps implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;
        @Option(names = {"-a", "--all"}) boolean all;

        @Override
        public Integer call() throws Exception {
            try (Graph g = global.open()) {
                List<ContainerState> cs = new ContainerRuntime(g).list().stream().filter(c -> all || c.running()).toList();
                PrintWriter out = spec.commandLine().getOut();
                if (output.json()) {
                    Output.json(out, cs);
                    return 0;
                }
                Output.Table t = new Output.Table("CONTAINER", "IMAGE", "COMMAND", "CREATED", "STATUS", "RUNTIME");
                for (ContainerState c : cs) {
                    String cmd = String.join(" ", c.command());
                    if (cmd.length() > 30) cmd = cmd.substring(0, 29) + "…";
                    t.row(c.id(), Output.shortId(c.image()), cmd, Output.time(c.created()), c.describe(), c.runtime());
                }
                t.print(out);
            }
            return 0;
        }
    }

    @Command(name = "logs", description = "Print what a detached container wrote.")
    static final class Logs implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "CONTAINER") String id;

        @Override
        public Integer call() throws Exception {
            Path log;
            try (Graph g = global.open()) {
                log = new ContainerRuntime(g).log(id).toPath();
            }
            if (!Files.exists(log)) throw new java.io.IOException("container " + id + " ran in the foreground: it has no log");
            PrintWriter out = spec.commandLine().getOut();
            out.print(Files.readString(log));
            out.flush();
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop containers: SIGTERM, then SIGKILL after the grace period.")
    static final class Stop implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Spec CommandSpec spec;
        @Option(names = {"-t", "--time"}, paramLabel = "SECONDS", defaultValue = "10") long seconds;
        @Parameters(paramLabel = "CONTAINER", arity = "1..*") List<String> ids;

        @Override
        public Integer call() throws Exception {
            try (Graph g = global.open()) {
                ContainerRuntime rt = new ContainerRuntime(g);
                for (String id : ids) {
                    rt.stop(id, Duration.ofSeconds(seconds));
                    spec.commandLine().getOut().println(id);
                }
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove containers and their layers (-f: kill running ones first).")
    static final class Rm implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Spec CommandSpec spec;
        @Option(names = {"-f", "--force"}) boolean force;
        @Parameters(paramLabel = "CONTAINER", arity = "1..*") List<String> ids;

        @Override
        public Integer call() throws Exception {
            try (Graph g = global.open()) {
                ContainerRuntime rt = new ContainerRuntime(g);
                for (String id : ids) {
                    rt.remove(id, force);
                    spec.commandLine().getOut().println(id);
                }
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "commit", description = "Make a new image of a container's changes on its image.")
    static final class Commit implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "CONTAINER") String id;
        @Parameters(index = "1", arity = "0..1", paramLabel = "REPO:TAG") String name;

        @Override
        public Integer call() throws Exception {
            try (Graph g = global.open()) {
                ImageRecord img = new ContainerRuntime(g).commit(id, name == null ? List.of() : List.of(name));
                spec.commandLine().getOut().println(img.id());
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
