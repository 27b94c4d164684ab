package io.jstore.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jstore} command: one line per failure on stderr, the stack trace with --verbose. */
@Command(name = "jstore",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Container layer store: storage drivers, layers, images and containers.",
        subcommands = {DriversCommand.class, ImageCommands.class, LayerCommands.class, ContainerCommands.class,
                MaintenanceCommands.Gc.class, MaintenanceCommands.Fsck.class, BenchCommand.class,
                DiffCommand.class, ApplyCommand.class, ChangesCommand.class, RunCommand.class,
                ContainerLifecycleCommands.Ps.class, ContainerLifecycleCommands.Logs.class, ContainerLifecycleCommands.Stop.class,
                ContainerLifecycleCommands.Rm.class, ContainerLifecycleCommands.Commit.class, ServeCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code; used by tests in-process. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line, for callers that redirect its output. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorReporter());
        // flags after IMAGE belong to the container's command: `run IMAGE ls -l`
        cli.getSubcommands().get("run").setStopAtPositional(true);
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
