package io.jstore.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.Probe;
import io.jstore.linux.testing.Root;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One bundle, two executors: the built-in one must show the container exactly what runc
 * shows it — identity, capabilities, mounts with their options, /dev, limits, cgroups.
 */
class SameBundleTest {
    static final String OBSERVE = String.join("; ",
            "hostname", "id", "grep -E '^(Cap|NoNewPrivs|Seccomp:)' /proc/self/status",
            "awk '{print $5, $6, $(NF-2), $NF}' /proc/self/mountinfo | sed 's/size=[0-9]*k,//; s/,inode64//' | sort",
            "ls -ln /dev | awk '{print $1, $3, $4, $5, $6, $NF}' | sort",
            "ulimit -n", "cat /proc/self/cgroup | sed 's/^[0-9]*://' | sort",
            "cat /proc/self/oom_score_adj", "umask", "echo $PATH $HOME $HOSTNAME",
            "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us",
            "ls /sys/fs/cgroup", "touch /sys/fs/cgroup/memory/x 2>/dev/null || echo cgroupfs-ro");

    @TempDir
    Path tmp;

    @Test
    void builtinAndRuncShowTheContainerTheSameWorld() throws Exception {
        Root.assumeRoot();
        OciRuntime runc = OciRuntime.named("runc");
        Probe p = runc.probe();
        Assumptions.assumeTrue(p.supported(), "runc: " + p.reason());
        Path vol = Files.createDirectories(tmp.resolve("vol"));
        RunOptions opts = ExecutorContract.sh(OBSERVE).withHostname("same").withMemory(100L << 20).withPidsLimit(50)
                .withCpus(0.5).withBinds(List.of(new RunOptions.Bind(vol.toString(), "/vol", true)));

        String id = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Runs.Result builtin = Runs.run(new BuiltinExecutor(), Runs.bundle(tmp.resolve("b1"), id, opts));
        Runs.Result oracle = Runs.run(runc, Runs.bundle(tmp.resolve("b2"), id, opts));
        assertEquals(0, oracle.code(), oracle.err());
        assertEquals(oracle.out(), builtin.out(), builtin.err());
        assertEquals(0, builtin.code());
        assertTrue(builtin.out().contains("/vol"), builtin.out());
        assertTrue(builtin.out().contains("104857600\n50\n50000\n"), "the container reads its own limits: " + builtin.out());
    }

    @Test
    void cgroupLimitsLandInTheSameFiles() throws Exception {
        Root.assumeRoot();
        OciRuntime runc = OciRuntime.named("runc");
        Assumptions.assumeTrue(runc.probe().supported(), "runc: " + runc.probe().reason());
        RunOptions opts = ExecutorContract.sh("echo ready; exec sleep 30").withMemory(100L << 20).withPidsLimit(50).withCpus(0.5);
        List<String> seen = new java.util.ArrayList<>();
        for (Executor e : List.of(new BuiltinExecutor(), runc)) {
            String id = "l" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Container c = e.start(Runs.bundle(tmp.resolve(e.name()), id, opts), Stdio.PIPES, false)) {
                CgroupLayout layout = CgroupLayout.detect();
                StringBuilder sb = new StringBuilder();
                for (String[] f : new String[][] {{"memory", "memory.limit_in_bytes"}, {"memory", "memory.memsw.limit_in_bytes"},
                        {"pids", "pids.max"}, {"cpu", "cpu.cfs_quota_us"}, {"cpu", "cpu.cfs_period_us"}, {"devices", "devices.list"}}) {
                    Path dir = layout.holding(f[0]).orElseThrow().dir("jstore/" + id);
                    // the rules are a set: runc writes them in its own order
                    sb.append(f[1]).append('=').append(Files.readString(dir.resolve(f[1])).lines().sorted().toList()).append('\n');
                    assertTrue(Files.readString(dir.resolve("cgroup.procs")).contains(Long.toString(c.pid())), e.name() + " " + dir);
                }
                seen.add(sb.toString());
            }
            assertEquals(List.of(), Runs.leftoverCgroups(id));
        }
        assertTrue(seen.get(0).contains("memory.limit_in_bytes=[104857600]"), seen.get(0));
        assertEquals(seen.get(1), seen.get(0));
    }
}
