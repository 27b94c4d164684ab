package io.jstore.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code jstore bench} runs.
 *
 * @param profile  how long (smoke, quick, full)
 * @param drivers  the drivers to time; empty for every driver on the class path
 * @param peers    also time Docker, Podman and containerd where they work
 * @param suites   suite class names ({@code GraphBench}); empty for all
 * @param out      the report's directory
 */
public record BenchPlan(Profile profile, List<String> drivers, boolean peers, List<String> suites, Path out) {
    public BenchPlan {
        drivers = List.copyOf(drivers);
        suites = List.copyOf(suites);
    }
}
