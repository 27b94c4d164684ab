package io.jstore.bench;

import java.util.List;
import java.util.Map;

/**
 * How long a run takes: the iteration counts JMH gets and the parameter values each suite's
 * parameters are narrowed to. Quick (a few minutes on 2 cores) runs each driver once per question
 * on one fixture (btrfs on btrfs, the others on xfs) in the cases people pick a driver by: the
 * Debian rootfs for create, apply and diff, the smallest and the largest lower file, 1 and 500
 * lowers, 10 changes in 5,000 files, 10^4 layers, busybox for import; one warmup and five
 * samples each, in one forked JVM per benchmark (in one JVM a benchmark whose setup failed
 * poisons its later runs: JMH keeps the state). Full runs every case of the suites' own annotations. Smoke runs every
 * suite once, briefly, in this JVM, to prove it still works.
 */
public enum Profile {
    SMOKE(0, 0, 1, 100, Map.ofEntries(
            Map.entry("layers", List.of("1000")),
            Map.entry("lowers", List.of("16")),
            Map.entry("size", List.of("1MiB")),
            Map.entry("write", List.of("1B")),
            Map.entry("sync", List.of("none")),
            Map.entry("files", List.of("100")),
            Map.entry("parent", List.of("100files")),
            Map.entry("image", List.of("busybox")),
            Map.entry("changes", List.of("10")),
            Map.entry("executor", List.of("builtin")),
            Map.entry("variant", List.of("plain")),
            Map.entry("ephemeral", List.of("true")),
            Map.entry("layer", List.of("smallfiles")),
            Map.entry("fs", List.of("xfs")))),
    QUICK(1, 1, 5, 300, Map.ofEntries(
            Map.entry("layers", List.of("10000")),
            Map.entry("lowers", List.of("1", "500")),
            Map.entry("size", List.of("1MiB", "1GiB")),
            Map.entry("write", List.of("1B")),
            Map.entry("sync", List.of("none")),
            Map.entry("variant", List.of("plain")),
            Map.entry("ephemeral", List.of("true")),
            Map.entry("files", List.of("5000")),
            Map.entry("changes", List.of("10")),
            Map.entry("parent", List.of("rootfs")),
            Map.entry("image", List.of("busybox")),
            Map.entry("layer", List.of("rootfs")),
            Map.entry("fs", List.of("xfs")))),
    /** The suites' own annotations: every parameter value, forked JVMs, longer iterations. */
    FULL(-1, -1, -1, -1, Map.of());

    /** Forked JVMs per benchmark (0: in this JVM), or -1 for the suite's own setting. */
    public final int forks;
    public final int warmupIterations;
    public final int measurementIterations;
    /** Milliseconds per timed iteration of average-time benchmarks, -1 for the suite's own. */
    public final int iterationMillis;
    /** Parameter name → the values to run, overriding the suites' defaults. */
    public final Map<String, List<String>> params;

    Profile(int forks, int warmupIterations, int measurementIterations, int iterationMillis,
            Map<String, List<String>> params) {
        this.forks = forks;
        this.warmupIterations = warmupIterations;
        this.measurementIterations = measurementIterations;
        this.iterationMillis = iterationMillis;
        this.params = params;
    }
}
