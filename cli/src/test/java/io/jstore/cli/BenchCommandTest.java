package io.jstore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownSuiteFailsBeforeAnythingRuns() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int code = cli.execute("bench", "--smoke", "--suites", "NoSuchBench", "-o", dir.resolve("out").toString());
        assertEquals(1, code);
        assertTrue(err.toString().contains("no suite NoSuchBench"), err.toString());
        assertTrue(!Files.exists(dir.resolve("out")), "nothing written for a plan that cannot run");
    }

    @Test
    void helpNamesTheOptionsOfTheIssue() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("bench", "--help"));
        for (String o : new String[] {"--quick", "--drivers", "--peers", "-o"}) assertTrue(out.toString().contains(o), o);
    }
}
