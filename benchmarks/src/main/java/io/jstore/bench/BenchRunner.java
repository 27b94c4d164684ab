package io.jstore.bench;

import io.jstore.bench.report.Report;
import io.jstore.driver.DriverProvider;
import io.jstore.driver.Drivers;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the chosen suites with JMH's Runner API (in this JVM for smoke, forked otherwise), keeps JMH's JSON in the report directory, then writes the report. Benchmarks that
 * cannot run here (no driver, no peer, a driver refusing the fixture) are recorded in
 * {@link Skips} with the reason instead of failing the run.
 */
public final class BenchRunner {
    /**
     * How long a timed run waits for another to end. A smoke run times nothing worth protecting,
     * so it neither waits nor takes the lock (the test suite must not queue behind a colleague's bench).
     */
    private static final Duration LOCK_PATIENCE = Duration.ofMinutes(30);

    private BenchRunner() {}

    /** Runs the plan; returns the report's HTML file. */
    public static Path run(BenchPlan plan, PrintWriter progress) throws IOException, RunnerException {
        long started = System.nanoTime();
        List<Class<?>> suites = plan.suites().isEmpty() ? Suites.ALL : plan.suites().stream().map(Suites::named).toList();
        Path out = plan.out().toAbsolutePath();
        Files.createDirectories(out);
        Path skips = out.resolve(Report.SKIPS);
        Path json = out.resolve(Report.JMH_JSON);
        Files.deleteIfExists(skips);
        Files.deleteIfExists(json);
        System.setProperty(Skips.PROPERTY, skips.toString());

        List<String> drivers = drivers(plan, progress);
        // one lock for the whole run, peers' daemons included: JMH's own is per Runner.run, one per suite
        JmhLock.leaveToCaller();
        try (JmhLock lock = plan.profile() == Profile.SMOKE ? null : JmhLock.acquire(JmhLock.file(), progress, LOCK_PATIENCE)) {
            started = System.nanoTime();  // the run's own time, without the wait
            PeerDaemons daemons = plan.peers() ? PeerDaemons.start(progress) : null;
            try {
                List<String> peers = plan.peers() ? peers(progress) : List.of();
                List<String> forkArgs = daemons == null ? List.of() : daemons.jvmArgs();
                runSuites(plan, suites, drivers, peers, forkArgs, skips, json, progress);
            } finally {
                if (daemons != null) {
                    progress.println("jstore bench: stopping the peers' private daemons");
                    progress.flush();
                    daemons.close();
                }
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        Path html = Report.read(out, title(plan), facts(plan, took)).write(out);
        progress.println("jstore bench: report in " + html + " and " + out.resolve("report.md") + " (the run took "
                + minutes(took) + ")");
        progress.flush();
        return html;
    }

    private static void runSuites(BenchPlan plan, List<Class<?>> suites, List<String> drivers, List<String> peers,
                                  List<String> forkArgs, Path skips, Path json, PrintWriter progress)
            throws IOException, RunnerException {
        // one JMH run per suite and fixture group: parameters are global to a run, and each gets its own fixtures
        List<SuiteRun> runs = new ArrayList<>();
        int included = 0;
        for (Class<?> suite : suites) {
            boolean perDriver = !drivers.isEmpty() && Suites.benchmarks(suite).stream().anyMatch(m -> Suites.hasParam(m, "driver"));
            List<FixtureGroup> groups = perDriver ? groups(plan.profile(), plan.narrowing(), drivers) : List.of(new FixtureGroup(fixtures(plan.narrowing(), List.of()), List.of()));
            for (int g = 0; g < groups.size(); g++) {
                FixtureGroup group = groups.get(g);
                boolean first = g == 0;
                SuiteRun run = new SuiteRun(new OptionsBuilder(), group, new int[1]);
                for (Method m : Suites.benchmarks(suite)) {
                    String name = suite.getName() + "." + m.getName();
                    // a later group adds only what differs in it: its drivers, and what runs on its fixtures
                    if (!first && !Suites.hasParam(m, "driver") && (!Suites.hasParam(m, "fs") || m.isAnnotationPresent(Peer.class))) continue;
                    if (m.isAnnotationPresent(Peer.class)) {
                        if (!plan.peers()) continue;
                        for (String p : Peers.KNOWN) {
                            if (!peers.contains(p)) Skips.record(new Skips.Skip(name, Map.of("peer", p), Peers.status(p).reason()));
                        }
                        if (peers.isEmpty()) continue;
                    }
                    if (Suites.hasParam(m, "driver") && drivers.isEmpty()) {
                        Skips.record(new Skips.Skip(name, Map.of(), "no storage driver to time (none on the class path, or none of --drivers)"));
                        continue;
                    }
                    run.options().include("^" + Pattern.quote(name) + "$");
                    run.count()[0] += count(m, plan.narrowing(), group.drivers().size(), peers.size(), group.fixtures().size());
                }
                if (run.count()[0] > 0) runs.add(run);
                included += run.count()[0];
            }
        }
        progress.printf("jstore bench: %s profile, %d benchmark%s, drivers %s, peers %s; results in %s%n",
                plan.profile().name().toLowerCase(), included, included == 1 ? "" : "s",
                drivers.isEmpty() ? "none" : String.join(", ", drivers), peers.isEmpty() ? "none" : String.join(", ", peers),
                plan.out().toAbsolutePath());
        progress.flush();
        Progress shown = new Progress(progress, included);
        List<RunResult> results = new ArrayList<>();
        for (SuiteRun run : runs) {
            ChainedOptionsBuilder b = run.options();
            configure(b, plan.profile(), plan.narrowing(), run.group(), peers, skips, forkArgs);
            results.addAll(new Runner(b.build(), shown).run());
            // after every run, so an interrupted bench still leaves what it measured
            ResultFormatFactory.getInstance(ResultFormatType.JSON, json.toString()).writeOut(results);
        }
    }

    /** One JMH run: its options, its fixture group, how many benchmarks it makes. */
    private record SuiteRun(ChainedOptionsBuilder options, FixtureGroup group, int[] count) {}

    /** Fixture filesystems and the drivers timed on them, every driver on every one of them. */
    record FixtureGroup(List<String> fixtures, List<String> drivers) {}

    /**
     * Where the drivers run. Full: every driver on every fixture (xfs and ext4, where overlay
     * copies up by clone and by copy, and btrfs when the btrfs driver runs). Quick and smoke:
     * each driver once, on the profile's fixture, except btrfs, which runs on btrfs (its probe
     * refuses anything else); each group also times the references on its own fixtures.
     */
    static List<FixtureGroup> groups(Profile profile, Map<String, List<String>> narrowing, List<String> drivers) {
        if (profile == Profile.FULL) return List.of(new FixtureGroup(fixtures(narrowing, drivers), drivers));
        List<String> others = drivers.stream().filter(d -> !d.equals("btrfs")).toList();
        List<FixtureGroup> out = new ArrayList<>();
        if (!others.isEmpty()) out.add(new FixtureGroup(fixtures(narrowing, List.of()), others));
        if (drivers.contains("btrfs")) out.add(new FixtureGroup(List.of("btrfs"), List.of("btrfs")));
        return out;
    }

    private static void configure(ChainedOptionsBuilder b, Profile profile, Map<String, List<String>> narrowing,
                                  FixtureGroup group, List<String> peers, Path skips, List<String> forkArgs) {
        List<String> drivers = group.drivers();
        List<String> fixtures = group.fixtures();
        if (!drivers.isEmpty()) b.param("driver", drivers.toArray(String[]::new));
        if (!peers.isEmpty()) b.param("peer", peers.toArray(String[]::new));
        // param() adds to a key's values: each key once
        narrowing.forEach((k, v) -> {
            if (!k.equals("fs")) b.param(k, v.toArray(String[]::new));
        });
        b.param("fs", fixtures.toArray(String[]::new));
        if (profile.forks >= 0) b.forks(profile.forks);
        if (profile.warmupIterations >= 0) b.warmupIterations(profile.warmupIterations);
        if (profile.measurementIterations >= 0) b.measurementIterations(profile.measurementIterations);
        if (profile.iterationMillis >= 0) {
            b.warmupTime(TimeValue.milliseconds(profile.iterationMillis));
            b.measurementTime(TimeValue.milliseconds(profile.iterationMillis));
        }
        // forked JVMs: lmdbjava's and jnr-ffi's opens, where to record skips, where the peers' daemons listen
        List<String> jvm = new ArrayList<>(List.of("--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-Xmx2g", "-D" + Skips.PROPERTY + "=" + skips));
        jvm.addAll(forkArgs);
        b.shouldFailOnError(false).jvmArgs(jvm.toArray(String[]::new));
    }

    /**
     * The fixture filesystems: the narrowed {@code fs} (full: xfs and ext4, where overlay copies
     * up by clone and by copy), plus btrfs when the btrfs driver runs, which needs it.
     */
    static List<String> fixtures(Map<String, List<String>> narrowing, List<String> drivers) {
        List<String> fs = new ArrayList<>(narrowing.getOrDefault("fs", List.of("xfs", "ext4")));
        if (drivers.contains("btrfs") && !fs.contains("btrfs")) fs.add("btrfs");
        return fs;
    }

    /** How many benchmark runs a method makes under the narrowing: the product of its parameters' values. */
    static int count(Method m, Map<String, List<String>> narrowing, int drivers, int peers, int fixtures) {
        int n = 1;
        for (Map.Entry<String, List<String>> e : Suites.params(m).entrySet()) {
            n *= switch (e.getKey()) {
                case "driver" -> drivers;
                case "peer" -> peers;
                case "fs" -> fixtures;
                default -> narrowing.getOrDefault(e.getKey(), e.getValue()).size();
            };
        }
        return n;
    }

    private static List<String> drivers(BenchPlan plan, PrintWriter progress) {
        List<String> found = new ArrayList<>();
        try {
            for (DriverProvider p : Drivers.all()) found.add(p.name());
        } catch (ServiceConfigurationError e) {
            progress.println("jstore bench: the driver registry is broken, timing no driver: " + e.getMessage());
            Skips.record(new Skips.Skip("drivers", Map.of(), "driver registry: " + e.getMessage()));
            return List.of();
        }
        if (plan.drivers().isEmpty()) return found;
        List<String> chosen = new ArrayList<>();
        for (String d : plan.drivers()) {
            if (found.contains(d)) {
                chosen.add(d);
            } else {
                Skips.record(new Skips.Skip("drivers", Map.of("driver", d), "no driver named " + d + " on the class path (found: " + found + ")"));
            }
        }
        return chosen;
    }

    private static List<String> peers(PrintWriter progress) {
        progress.flush();
        List<String> ok = new ArrayList<>();
        for (String p : Peers.KNOWN) {
            Peers.Status s = Peers.status(p);
            progress.println("jstore bench: peer " + p + ": " + (s.available() ? s.version() : "skipped, " + s.reason()));
            if (s.available()) ok.add(p);
        }
        return ok;
    }

    private static String title(BenchPlan plan) {
        return plan.profile().name().toLowerCase() + " run, "
                + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    }

    private static String minutes(Duration d) {
        return d.toMinutes() + " min " + d.toSecondsPart() + " s";
    }

    private static List<String> facts(BenchPlan plan, Duration took) {
        List<String> f = new ArrayList<>();
        f.add(Tools.version("jstore") + ", JMH " + org.openjdk.jmh.util.Version.getPlainVersion()
                + ", profile " + plan.profile().name().toLowerCase()
                + (plan.profile().forks == 0 ? " (in this JVM)" : " (forked JVMs)") + ", the whole run took " + minutes(took));
        f.add(Tools.version("kernel") + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        f.add("Fixtures: loop-mounted sparse images per suite (xfs reflink=1, ext4, btrfs), made and removed by the run");
        return f;
    }
}
