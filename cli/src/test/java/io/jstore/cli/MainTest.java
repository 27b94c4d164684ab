package io.jstore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

class MainTest {

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void versionNamesTheBuildAndTheRuntime() {
        Result r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("jstore 0."), r.out());
        assertTrue(r.out().contains("Java 17") || r.out().contains("Java "), r.out());
    }

    @Test
    void aNamedCommandIsTheOnlyOneBuilt() {
        assertEquals(Set.of("run"), Main.commandLine("run", "--help").getSubcommands().keySet());
        assertEquals(Main.COMMANDS, List.copyOf(Main.commandLine().getSubcommands().keySet()));
        assertEquals(Main.COMMANDS, List.copyOf(Main.commandLine("help", "run").getSubcommands().keySet()));
        assertEquals(Set.of(), Main.commandLine("--version").getSubcommands().keySet());
    }

    @Test
    void unknownCommandIsAUsageError() {
        Result r = run("no-such-command");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no-such-command"), r.err());
    }

    @Test
    void failuresPrintOneLineWithoutVerbose() {
        Result r = run("drivers", "--root", "/proc/version/not-a-dir");
        assertEquals(ErrorReporter.EXIT_FAILURE, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("jstore: "), r.err());
    }

    @Test
    void verboseAddsTheStackTrace() {
        Result r = run("drivers", "--verbose", "--root", "/proc/version/not-a-dir");
        assertEquals(ErrorReporter.EXIT_FAILURE, r.code());
        assertTrue(r.err().lines().count() > 2, r.err());
        assertTrue(r.err().contains("\tat "), r.err());
    }
}
