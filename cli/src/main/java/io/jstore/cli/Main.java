package io.jstore.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jstore} command: one line per failure on stderr, the stack trace with --verbose. */
@Command(name = "jstore",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Container layer store: storage drivers, layers, images and containers.")
public final class Main implements Runnable {

    /** The subcommands in the order the usage lists them. */
    static final List<String> COMMANDS = List.of("drivers", "image", "layer", "container", "gc", "fsck", "bench",
            "diff", "apply", "changes", "run", "ps", "logs", "stop", "rm", "commit", "serve", "help");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The command in this process, whatever service there is ({@link Launch} is the launcher's entry). */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code; used by tests in-process. */
    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The configured command line with every subcommand, for callers that redirect its output. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for {@code args}: when they name a subcommand, only that one is built
     * (none for --version); usage needs them all.
     * Picocli reflects over every command class it is given, and the whole tree (with the
     * Jackson and driver classes it pulls in) cost a short command most of its start-up time.
     */
    public static CommandLine commandLine(String... args) {
        return commandLine(RunCaller.SELF, args);
    }

    /** The same, with {@code run} working for {@code caller} (a client of {@code jstore serve}). */
    static CommandLine commandLine(RunCaller caller, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorReporter());
        String first = args.length > 0 ? args[0] : "";
        List<String> built = first.equals("--version") || first.equals("-V") ? List.of()
                : COMMANDS.contains(first) && !first.equals("help") ? List.of(first) : COMMANDS;
        for (String name : built) cli.addSubcommand(name, command(name, caller));
        // flags after IMAGE belong to the container's command: `run IMAGE ls -l`
        CommandLine run = cli.getSubcommands().get("run");
        if (run != null) run.setStopAtPositional(true);
        return cli;
    }

    // a switch, not a table of classes: a class literal would load every command class up front
    private static Object command(String name, RunCaller caller) {
        return switch (name) {
            case "drivers" -> new DriversCommand();
            case "image" -> new ImageCommands();
            case "layer" -> new LayerCommands();
            case "container" -> new ContainerCommands();
            case "gc" -> new MaintenanceCommands.Gc();
            case "fsck" -> new MaintenanceCommands.Fsck();
            case "bench" -> new BenchCommand();
            case "diff" -> new DiffCommand();
            case "apply" -> new ApplyCommand();
            case "changes" -> new ChangesCommand();
            case "run" -> new RunCommand(caller);
            case "ps" -> new ContainerLifecycleCommands.Ps();
            case "logs" -> new ContainerLifecycleCommands.Logs();
            case "stop" -> new ContainerLifecycleCommands.Stop();
            case "rm" -> new ContainerLifecycleCommands.Rm();
            case "commit" -> new ContainerLifecycleCommands.Commit();
            case "serve" -> new ServeCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException("no command " + name);
        };
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
