package io.jstore.cli;

import io.jstore.graph.Graph;
import io.jstore.shim.BuiltinExecutor;
import io.jstore.shim.ContainerRuntime;
import io.jstore.shim.Executor;
import io.jstore.shim.ExitStatus;
import io.jstore.shim.RunOptions;
import io.jstore.shim.StartException;
import io.jstore.shim.Stdio;
import java.io.File;
import java.io.PrintWriter;
import java.lang.ProcessBuilder.Redirect;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jstore run [flags] IMAGE [CMD...]}: docker run's flags where they overlap. The exit
 * code is the container's (125/126/127 when it could not start, as docker's); signals sent to
 * this command are forwarded to the container.
 */
@Command(name = "run", description = "Run a command in a new container on an image.")
final class RunCommand implements Callable<Integer> {
    private final RunCaller caller;

    @Mixin GlobalOptions global;
    @Spec CommandSpec spec;

    @Option(names = "--rm", description = "Remove the container and its layer when it exits (detached: at the next ps).") boolean remove;
    @Option(names = {"-d", "--detach"}, description = "Run in the background and print the container's id.") boolean detach;
    @Option(names = {"-i", "--interactive"}, description = "Keep stdin connected.") boolean interactive;
    @Option(names = {"-t", "--tty"}, description = "Give the container a pseudo-terminal.") boolean tty;
    @Option(names = "--name", paramLabel = "NAME", description = "The container's id (default: random).") String name;
    @Option(names = {"-e", "--env"}, paramLabel = "KEY[=VALUE]", description = "Set an environment variable (repeatable).") List<String> env = new ArrayList<>();
    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR") String workdir;
    @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]") String user;
    @Option(names = "--hostname") String hostname;
    @Option(names = {"-m", "--memory"}, paramLabel = "BYTES", description = "Memory limit: 64m, 1g, …") String memory;
    @Option(names = "--pids-limit", paramLabel = "N") Long pidsLimit;
    @Option(names = "--cpus", paramLabel = "N") Double cpus;
    @Option(names = {"-v", "--volume"}, paramLabel = "/SRC:/DST[:ro]", description = "Bind a host path (repeatable).") List<String> volumes = new ArrayList<>();
    @Option(names = "--network", paramLabel = "none|host", defaultValue = "none") String network;
    @Option(names = "--read-only", description = "Mount the root filesystem read-only.") boolean readOnly;
    @Option(names = "--entrypoint", paramLabel = "CMD", description = "Replace the image's Entrypoint (and drop its Cmd).") String entrypoint;
    @Option(names = "--runtime", paramLabel = "builtin|runc|crun|PATH", description = "Executor (default: builtin).") String runtime;

    @Parameters(index = "0", paramLabel = "IMAGE") String image;
    @Parameters(index = "1..*", paramLabel = "CMD") List<String> command = new ArrayList<>();

    RunCommand() {
        this(RunCaller.SELF);
    }

    RunCommand(RunCaller caller) {
        this.caller = caller;
    }

    static long bytes(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = v.charAt(v.length() - 1);
        if (last == 'b') v = v.substring(0, v.length() - 1);
        last = v.charAt(v.length() - 1);
        switch (last) {
            case 'k' -> unit = 1L << 10;
            case 'm' -> unit = 1L << 20;
            case 'g' -> unit = 1L << 30;
            default -> { }
        }
        if (unit != 1) v = v.substring(0, v.length() - 1);
        return Math.round(Double.parseDouble(v) * unit);
    }

    RunOptions options() {
        RunOptions.Network net = switch (network) {
            case "none" -> RunOptions.Network.NONE;
            case "host" -> RunOptions.Network.HOST;
            default -> throw new IllegalArgumentException("--network must be none or host, not " + network);
        };
        List<RunOptions.Bind> binds = volumes.stream().map(RunOptions.Bind::parse).toList();
        // -e NAME passes the caller's value (or nothing when it has none), read here: the caller may be a client of jstore serve
        List<String> vars = new ArrayList<>();
        for (String e : env) {
            if (e.contains("=")) vars.add(e);
            else if (caller.env(e) != null) vars.add(e + "=" + caller.env(e));
        }
        return new RunOptions(command, entrypoint == null ? null : List.of(entrypoint), vars, workdir, user, hostname,
                memory == null ? null : bytes(memory), pidsLimit, cpus, binds, net, tty, readOnly);
    }

    @Override
    public Integer call() throws Exception {
        RunOptions opts = options();
        PrintWriter err = spec.commandLine().getErr();
        // the terminal's own signals reach only this JVM, which forwards them (see BuiltinExecutor)
        Executor ex = runtime == null || runtime.equals("builtin") ? new BuiltinExecutor(!tty) : Executor.named(runtime);
        Redirect in = interactive || tty ? caller.stdin() : Redirect.from(new File("/dev/null"));
        Stdio stdio = new Stdio(in, caller.stdout(), caller.stderr());
        Graph shared = caller.graph();
        try (Graph own = shared == null ? global.open() : null) {
            Graph g = shared != null ? shared : own;
            ContainerRuntime rt = new ContainerRuntime(g);
            ContainerRuntime.Started s;
            try {
                s = rt.start(new ContainerRuntime.Request(name, image, opts, ex.name(), detach, remove), stdio, ex);
            } catch (StartException e) {
                err.println("jstore: " + e.getMessage());
                err.flush();
                return e.exitCode();
            }
            if (detach) {
                s.container().detach();
                spec.commandLine().getOut().println(s.id());
                spec.commandLine().getOut().flush();
                return 0;
            }
            // an OCI runtime stays in the terminal's process group and gets Ctrl-C itself
            caller.forwardSignals(s.container(), ex instanceof BuiltinExecutor);
            ExitStatus st = rt.finish(s, remove);
            return st.code();
        }
    }
}
