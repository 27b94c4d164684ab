package io.jstore.cli;

import picocli.CommandLine.Option;

/** {@code --verbose} for commands that do not touch the store; {@link ErrorReporter} reads it from the arguments. */
final class VerboseOption {
    @Option(names = "--verbose", description = "Print stack traces of failures.")
    boolean verbose;
}
