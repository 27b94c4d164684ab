package io.jstore.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where each limit is written, on a layout given as data over plain directories (the real
 * hierarchies of this host are exercised by the executor tests): memory on a v2 hierarchy
 * beside pids and cpu on v1 ones, as on a host whose controllers are split the other way.
 */
class CgroupPlacementTest {
    @Test
    void eachLimitGoesToTheHierarchyHoldingItsController(@TempDir Path tmp) throws Exception {
        Path unified = Files.createDirectories(tmp.resolve("unified/session/jstore"));
        for (Path p : List.of(tmp.resolve("unified"), tmp.resolve("unified/session"), unified)) {
            Files.writeString(p.resolve("cgroup.subtree_control"), "");
        }
        Path pids = Files.createDirectories(tmp.resolve("pids/session"));
        Path cpu = Files.createDirectories(tmp.resolve("cpu/session"));
        CgroupLayout layout = new CgroupLayout(List.of(
                new CgroupLayout.Hierarchy(tmp.resolve("unified"), true, Set.of("memory", "hugetlb"), "/session"),
                new CgroupLayout.Hierarchy(tmp.resolve("pids"), false, Set.of("pids"), "/session"),
                new CgroupLayout.Hierarchy(tmp.resolve("cpu"), false, Set.of("cpu"), "/session")));
        OciSpec.Resources r = new OciSpec.Resources(new OciSpec.Memory(64L << 20, 64L << 20), new OciSpec.Pids(20),
                new OciSpec.Cpu(null, 50_000L, 100_000L), List.of());
        Cgroup cg = Cgroup.create(layout, "jstore/c1", r);
        assertEquals(String.valueOf(64L << 20), Files.readString(unified.resolve("c1/memory.max")));
        assertEquals("0", Files.readString(unified.resolve("c1/memory.swap.max")), "swap = limit: no swap");
        assertEquals("20", Files.readString(pids.resolve("jstore/c1/pids.max")));
        assertEquals("50000", Files.readString(cpu.resolve("jstore/c1/cpu.cfs_quota_us")));
        assertTrue(Files.notExists(pids.resolve("jstore/c1/memory.max")), "no limit lands in a hierarchy without its controller");
        // v2: the controller is enabled in every ancestor, from the root down to the parent
        for (Path p : List.of(tmp.resolve("unified"), tmp.resolve("unified/session"), unified)) {
            assertEquals("+memory", Files.readString(p.resolve("cgroup.subtree_control")), p.toString());
        }
        assertEquals(List.of(unified.resolve("c1"), pids.resolve("jstore/c1"), cpu.resolve("jstore/c1")), cg.dirs());
    }
}
