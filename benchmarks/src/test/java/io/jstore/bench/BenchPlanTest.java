package io.jstore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchPlanTest {
    @Test
    void planParametersReplaceTheProfilesAndKeepTheRest() {
        BenchPlan plan = new BenchPlan(Profile.QUICK, List.of("btrfs"), false, List.of("CowBench"), Path.of("out"),
                Map.of("size", List.of("1GiB"), "driver-only", List.of("a", "b")));
        Map<String, List<String>> n = plan.narrowing();
        assertEquals(List.of("1GiB"), n.get("size"), "the full profile's 1 GiB without the full profile");
        assertEquals(List.of("a", "b"), n.get("driver-only"));
        assertEquals(Profile.QUICK.params.get("write"), n.get("write"));
        assertEquals(Profile.QUICK.params.get("layers"), n.get("layers"));
    }

    @Test
    void aParameterWithoutValuesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BenchPlan(Profile.SMOKE, List.of(), false, List.of(),
                Path.of("out"), Map.of("size", List.of())));
    }
}
