package io.jstore.bench.report;

import java.util.Map;
import java.util.TreeMap;

/**
 * One JMH result, as its JSON says: the benchmark method, its parameters, and the time per
 * operation in nanoseconds (median, min and max of the samples or iteration scores, the score
 * and its 99.9% error). Only time-per-operation modes are read (avgt, ss, sample).
 */
public record Measurement(String benchmark, Map<String, String> params, String mode, double scoreNs,
                          double errorNs, double medianNs, double minNs, double maxNs, int samples) {
    public Measurement {
        params = java.util.Collections.unmodifiableMap(new TreeMap<>(params));
    }

    public String className() {
        return benchmark.substring(0, benchmark.lastIndexOf('.'));
    }

    public String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** Nanoseconds per unit of a JMH time-per-operation unit ("us/op", "ms/op"…). */
    static double nanosPer(String unit) {
        String u = unit.endsWith("/op") ? unit.substring(0, unit.length() - 3) : unit;
        return switch (u) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "min" -> 60e9;
            default -> throw new IllegalArgumentException("not a time-per-operation unit: " + unit);
        };
    }

    @Override
    public String toString() {
        return benchmark + params + " median " + Units.time(medianNs);
    }
}
