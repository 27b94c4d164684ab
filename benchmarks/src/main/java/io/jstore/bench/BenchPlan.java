package io.jstore.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code jstore bench} runs.
 *
 * @param profile  how long (smoke, quick, full)
 * @param drivers  the drivers to time; empty for every driver on the class path
 * @param peers    also time Docker, Podman and containerd where they work
 * @param suites   suite class names ({@code GraphBench}); empty for all
 * @param out      the report's directory
 * @param params   parameter values run instead of the profile's and the suites' own
 *                 ({@code size → [1GiB]}: CowBench's 1 GiB lower file outside the full profile)
 */
public record BenchPlan(Profile profile, List<String> drivers, boolean peers, List<String> suites, Path out,
                        Map<String, List<String>> params) {
    public BenchPlan {
        drivers = List.copyOf(drivers);
        suites = List.copyOf(suites);
        Map<String, List<String>> p = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (v.isEmpty()) throw new IllegalArgumentException("parameter " + k + " needs at least one value");
            p.put(k, List.copyOf(v));
        });
        params = Map.copyOf(p);
    }

    public BenchPlan(Profile profile, List<String> drivers, boolean peers, List<String> suites, Path out) {
        this(profile, drivers, peers, suites, out, Map.of());
    }

    /** The values each parameter is narrowed to: the profile's, with this plan's own in their place. */
    public Map<String, List<String>> narrowing() {
        Map<String, List<String>> m = new LinkedHashMap<>(profile.params);
        m.putAll(params);
        return m;
    }
}
