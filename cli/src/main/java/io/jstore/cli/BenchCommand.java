package io.jstore.cli;

import io.jstore.bench.BenchPlan;
import io.jstore.bench.BenchRunner;
import io.jstore.bench.Profile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jstore bench}: the JMH suites, every driver beside its reference, and a report with charts. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time every storage driver beside the physical reference (cp/dd, mount(2), GNU tar, runc)",
                "measured in the same run on scratch filesystems, and write DIR/report.html, DIR/report.md,",
                "charts and JMH's JSON. Needs root (loop devices, mounts)."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "A few minutes: the cases drivers are chosen by, one warmup and five samples, a forked JVM each.")
    boolean quick;

    @Option(names = "--smoke", description = "Every suite once, as briefly as possible: proves the suites run, measures nothing useful.")
    boolean smoke;

    @Option(names = "--drivers", split = ",", paramLabel = "NAME", description = "Drivers to time (default: every driver on the class path).")
    List<String> drivers = new ArrayList<>();

    @Option(names = "--peers", description = "Also time Docker, Podman and containerd where they are installed and answer.")
    boolean peers;

    @Option(names = "--suites", split = ",", paramLabel = "SUITE", description = "Suites to run (default: all), e.g. GraphBench,CowBench.")
    List<String> suites = new ArrayList<>();

    @Option(names = "--param", paramLabel = "NAME=V1,V2",
            description = {"Run these values of a suite parameter instead of the profile's, e.g. --param size=1GiB",
                    "(CowBench's 1 GiB lower file outside the full profile); repeatable."})
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Report directory (default: ${DEFAULT-VALUE}).")
    Path output = Path.of("bench-out");

    @Option(names = "--verbose", description = "Print stack traces of failures.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Profile profile = smoke ? Profile.SMOKE : quick ? Profile.QUICK : Profile.FULL;
        Map<String, List<String>> narrowing = new LinkedHashMap<>();
        params.forEach((k, v) -> narrowing.put(k, List.of(v.split(","))));
        BenchRunner.run(new BenchPlan(profile, drivers, peers, suites, output, narrowing), spec.commandLine().getOut());
        return 0;
    }
}
