package io.jstore.bench;

import io.jstore.bench.report.Units;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.stream.Collectors;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

/**
 * JMH's output as one line per benchmark: which one, its parameters, a dot per iteration,
 * then the score; a skipped benchmark says why, a failed one prints its error's first line.
 */
final class Progress implements OutputFormat {
    /** How a recorded failure's reason starts, so the report can tell failures from skips. */
    static final String FAILED = "failed: ";
    private final PrintWriter out;
    private final int total;
    private int started;
    private boolean midLine;
    private BenchmarkParams current;
    private long startedAt;

    Progress(PrintWriter out, int total) {
        this.out = out;
        this.total = total;
    }

    @Override
    public void startBenchmark(BenchmarkParams bp) {
        started++;
        current = bp;
        startedAt = System.nanoTime();
        String name = bp.getBenchmark().substring(bp.getBenchmark().lastIndexOf('.', bp.getBenchmark().lastIndexOf('.') - 1) + 1);
        String params = bp.getParamsKeys().stream().map(k -> k + "=" + bp.getParam(k)).collect(Collectors.joining(" "));
        endLine();
        out.print("[" + started + "/" + total + "] " + name + (params.isEmpty() ? "" : " " + params) + " ");
        out.flush();
        midLine = true;
    }

    @Override
    public void iteration(BenchmarkParams bp, IterationParams ip, int iteration) {}

    @Override
    public void iterationResult(BenchmarkParams bp, IterationParams ip, int iteration, IterationResult data) {
        out.print('.');
        out.flush();
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        if (result == null) {
            if (midLine) out.print(" " + seconds(startedAt));
            endLine();
            return;
        }
        var r = result.getPrimaryResult();
        double nanosPerUnit = switch (r.getScoreUnit().replace("/op", "")) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            default -> Double.NaN;
        };
        out.print(" " + (Double.isNaN(nanosPerUnit) ? r.getScore() + " " + r.getScoreUnit() : Units.time(r.getScore() * nanosPerUnit))
                + " " + seconds(startedAt));
        endLine();
    }

    @Override
    public void startRun() {}

    @Override
    public void endRun(Collection<RunResult> result) {
        endLine();
    }

    @Override
    public void print(String s) {}

    @Override
    public void println(String s) {
        if (s == null) return;
        // JMH prints a failed benchmark's stack trace through here; its first useful line is enough
        for (String line : s.lines().toList()) {
            int skip = line.indexOf(SkipException.class.getName() + ": ");
            if (skip >= 0) {
                say("skipped: " + line.substring(skip + SkipException.class.getName().length() + 2));
                return;
            }
            if (line.contains("Exception") || line.contains("Error:")) {
                say("failed: " + line.strip());
                // a failure is a finding of the report too, not only a line on the terminal
                if (current != null) Skips.skip(current, FAILED + line.strip());
                return;
            }
        }
    }

    /** "(12 s)": how long since {@code since}, fork, fixtures and setup included — where a run's time goes. */
    private static String seconds(long since) {
        return "(" + Math.round((System.nanoTime() - since) / 1e9) + " s)";
    }

    private void say(String s) {
        out.print(s);
        endLine();
    }

    private void endLine() {
        if (midLine) out.println();
        midLine = false;
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }

    @Override
    public void verbosePrintln(String s) {}

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b) {}
}
