package io.jstore.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The headline table: one column per driver (then the peers), a driver's executors named in its cell. */
class HeadlineTest {
    private static Comparison.Bar bar(String label, Role role, Map<String, String> params, double ratio) {
        return new Comparison.Bar(label, role, new Measurement("S.start", params, "ss", 1, 0, 1, 1, 1, 1), ratio);
    }

    @Test
    void aDriverWithTwoExecutorsKeepsOneColumnAndPeersComeLast() {
        Comparison.Case k = new Comparison.Case(Map.of("fs", "xfs"), List.of(
                bar("overlay builtin", Role.SUBJECT, Map.of("driver", "overlay", "executor", "builtin"), 0.461),
                bar("overlay runc", Role.SUBJECT, Map.of("driver", "overlay", "executor", "runc"), 1.02),
                bar("reference: runc run", Role.REFERENCE, Map.of(), 1),
                bar("docker 20.10", Role.PEER, Map.of("peer", "docker"), 7.6)));
        Comparison.Case btrfs = new Comparison.Case(Map.of("fs", "btrfs"), List.of(
                bar("btrfs builtin", Role.SUBJECT, Map.of("driver", "btrfs", "executor", "builtin"), 0.85),
                bar("reference: runc run", Role.REFERENCE, Map.of(), 1)));
        Report r = new Report("t", List.of(), List.of(new Comparison("S.start", "Start", "m", "r", "", List.of(k, btrfs),
                List.of())), List.of());
        assertEquals(List.of("overlay", "btrfs", "docker 20.10"), r.columns());
        assertEquals("0.461× builtin, 1.02× runc", Report.headline(k, "overlay"));
        assertEquals("7.60×", Report.headline(k, "docker 20.10"));
        assertEquals("–", Report.headline(k, "btrfs"));
    }
}
