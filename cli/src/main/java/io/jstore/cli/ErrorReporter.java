package io.jstore.cli;

import picocli.CommandLine;

/**
 * Failures print as one line, {@code jstore: mount(overlay -> /x/merged): EINVAL (Invalid argument)};
 * {@code --verbose} anywhere on the command line adds the stack trace.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    static final int EXIT_FAILURE = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        boolean verbose = parsed != null && parsed.originalArgs().contains("--verbose");
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        cli.getErr().println("jstore: " + message.replace('\n', ' '));
        if (verbose) e.printStackTrace(cli.getErr());
        cli.getErr().flush();
        return EXIT_FAILURE;
    }
}
