package io.jstore.bench.report;

import io.jstore.bench.Skips;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One question of the report (a {@link io.jstore.bench.Subject} method) with its cases (the
 * parameter combinations other than {@code driver} and {@code peer}), each holding the bars of
 * every driver, the reference and the peers measured in the same run.
 *
 * @param key       {@code Suite.method} of the subject
 * @param question  the heading
 * @param measures  what one operation is
 * @param reference what the reference does, with the versions of its tools
 * @param peers     what the peer engines run for the same operation, empty when the suite has no peer
 */
public record Comparison(String key, String question, String measures, String reference, String peers, List<Case> cases,
                         List<Skips.Skip> skips) {
    public Comparison {
        cases = List.copyOf(cases);
        skips = List.copyOf(skips);
    }

    /** One parameter combination and its bars. */
    public record Case(Map<String, String> params, List<Bar> bars) {
        public Case {
            params = Map.copyOf(params);
            bars = List.copyOf(bars);
        }

        /** "fs=xfs size=64MiB", or "default" for a suite without parameters. */
        public String label() {
            if (params.isEmpty()) return "default";
            return params.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        }

        public Optional<Bar> reference() {
            return bars.stream().filter(b -> b.role() == Role.REFERENCE).findFirst();
        }
    }

    /**
     * One bar: a driver, the reference or a peer, with its measurement and its ratio to the
     * reference of the same case (NaN where there is none, 1 for the reference itself).
     */
    public record Bar(String label, Role role, Measurement measurement, double ratio) {}
}
