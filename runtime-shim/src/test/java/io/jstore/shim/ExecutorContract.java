package io.jstore.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.Probe;
import io.jstore.linux.testing.Root;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every executor must do with a bundle, on a real busybox root and real cgroups; each
 * executor's test is a subclass naming it. Observations come from inside the container.
 */
abstract class ExecutorContract {
    @TempDir
    Path tmp;
    String id;

    abstract Executor executor() throws Exception;

    @BeforeEach
    void needRoot() throws Exception {
        Root.assumeRoot();
        Probe p = executor().probe();
        Assumptions.assumeTrue(p.supported(), executor().name() + ": " + p.reason());
        id = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    @AfterEach
    void nothingLeft() throws Exception {
        if (id != null) assertEquals(List.of(), Runs.leftoverCgroups(id), "cgroups left behind");
    }

    private int bundles;

    /** A fresh bundle (and busybox root) for each run of a test. */
    Bundle bundle(RunOptions opts) throws Exception {
        return Runs.bundle(tmp.resolve("bundle" + bundles++), id, opts);
    }

    Runs.Result run(RunOptions opts) throws Exception {
        return Runs.run(executor(), bundle(opts));
    }

    /** Starts the container, waits for its first line, sends {@code signal}, and returns the exit status. */
    int signalAfterReady(RunOptions opts, int signal, String expectedLine) throws Exception {
        try (Container c = executor().start(bundle(opts), Stdio.PIPES, false)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(c.process().getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            c.signal(signal);
            if (expectedLine != null) assertEquals(expectedLine, out.readLine());
            return c.waitFor().code();
        }
    }

    static RunOptions sh(String script) {
        return RunOptions.of("sh", "-c", script);
    }

    /** The JVM blocks SIGQUIT in its threads, and exec keeps a mask: the container's command must not inherit it. */
    @Test
    void theCommandStartsWithNoSignalBlocked() throws Exception {
        Runs.Result r = run(sh("exec grep SigBlk /proc/self/status"));
        assertEquals("SigBlk:\t0000000000000000\n", r.out(), r.err());
    }

    @Test
    void hostnameAndExitCode() throws Exception {
        Runs.Result r = run(sh("hostname; exit 3").withHostname("box"));
        assertEquals("box\n", r.out(), r.err());
        assertEquals(3, r.code());
    }

    @Test
    void theProcessIsPidOneAndSeesOnlyItsOwn() throws Exception {
        Runs.Result r = run(sh("tr '\\0' ' ' < /proc/1/cmdline; echo; set -- /proc/[0-9]*; echo $#"));
        List<String> lines = r.out().lines().toList();
        assertEquals("sh -c " + "tr '\\0' ' ' < /proc/1/cmdline; echo; set -- /proc/[0-9]*; echo $# ", lines.get(0), r.err());
        assertTrue(Integer.parseInt(lines.get(1)) <= 2, "processes visible: " + lines.get(1));
    }

    @Test
    void aSignalKillsWithCodeOfItsNumber() throws Exception {
        // PID 1 of a namespace ignores SIGKILL from inside; from the host it dies
        assertEquals(137, signalAfterReady(sh("echo ready; exec sleep 30"), 9, null));
    }

    @Test
    void memoryLimitOomKills() throws Exception {
        // dd's 128 MiB buffer is touched as /dev/zero fills it: past 64 MiB the OOM killer ends dd, PID 1
        Runs.Result r = run(RunOptions.of("dd", "if=/dev/zero", "of=/dev/null", "bs=128M", "count=1").withMemory(64L << 20));
        assertEquals(137, r.code(), r.err());
        Runs.Result free = run(RunOptions.of("dd", "if=/dev/zero", "of=/dev/null", "bs=128M", "count=1"));
        assertEquals(0, free.code(), "without the limit the same command fits: " + free.err());
    }

    /** A failed fork ends ash: the loop runs in a subshell, and PID 1 counts what is left without forking. */
    static final String FORK_LOOP = "(n=0; while [ $n -lt 40 ]; do sleep 30 & n=$((n+1)); done) 2>/dev/null; set -- /proc/[0-9]*; echo $#";

    @Test
    void pidsLimitStopsAForkLoop() throws Exception {
        Runs.Result r = run(sh(FORK_LOOP).withPidsLimit(20));
        int seen = Integer.parseInt(r.out().trim());
        assertTrue(seen <= 20 && seen > 1, "processes in the container: " + seen);
        Runs.Result free = run(sh(FORK_LOOP));
        assertTrue(Integer.parseInt(free.out().trim()) > 40, "without the limit: " + free.out());
    }

    @Test
    void bindMountsReadWriteAndReadOnly() throws Exception {
        Path host = Files.createDirectories(tmp.resolve("vol"));
        Files.writeString(host.resolve("in"), "from host");
        Path roHost = Files.createDirectories(tmp.resolve("ro"));
        Runs.Result r = run(sh("cat /data/in; echo; echo written > /data/out; echo x > /ro/x || echo refused")
                .withBinds(List.of(new RunOptions.Bind(host.toString(), "/data", false),
                        new RunOptions.Bind(roHost.toString(), "/ro", true))));
        assertEquals(0, r.code(), r.err());
        assertEquals("from host\nrefused\n", r.out());
        assertEquals("written\n", Files.readString(host.resolve("out")));
        assertTrue(Files.notExists(roHost.resolve("x")));
    }

    @Test
    void readOnlyRootAndReadOnlyProcPaths() throws Exception {
        Runs.Result r = run(sh("touch /x 2>/dev/null && echo wrote-root; touch /tmp/y 2>/dev/null && echo wrote-tmp; "
                + "grep -c ' /proc/sys ro' /proc/self/mountinfo; wc -c < /proc/timer_list").withReadonlyRoot(true));
        assertEquals("1\n0\n", r.out(), r.err());
        Runs.Result rw = run(sh("touch /x && echo wrote-root"));
        assertEquals("wrote-root\n", rw.out(), rw.err());
    }

    @Test
    void capabilitiesAreDockersDefaultAndNoNewPrivs() throws Exception {
        Runs.Result r = run(sh("grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status; mount -t tmpfs t /mnt 2>/dev/null || echo mount-refused"));
        String caps = String.format("%016x", Capabilities.mask(Capabilities.DOCKER_DEFAULT));
        assertEquals("CapEff:\t" + caps + "\nCapBnd:\t" + caps + "\nNoNewPrivs:\t1\nmount-refused\n", r.out(), r.err());
    }

    @Test
    void networkNoneHasOnlyLoopbackAndHostSharesTheHosts() throws Exception {
        assertEquals("lo\n", run(sh("ls /sys/class/net")).out());
        List<String> host;
        try (var s = Files.list(Path.of("/sys/class/net"))) {
            host = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        Runs.Result r = run(sh("ls /sys/class/net").withNetwork(RunOptions.Network.HOST));
        assertEquals(host, r.out().lines().sorted().toList(), r.err());
    }

    @Test
    void theSeccompFilterDeniesWhatDockersDoes() throws Exception {
        Runs.Result r = run(sh("grep '^Seccomp:' /proc/self/status; unshare -n true 2>/dev/null || echo unshare-refused; "
                + "nsenter -t 1 -n true 2>/dev/null || echo setns-refused; echo still-running"));
        assertEquals("Seccomp:\t2\nunshare-refused\nsetns-refused\nstill-running\n", r.out(), r.err());
    }

    @Test
    void userFlagSetsUidGidGroupsAndDropsEffectiveCaps() throws Exception {
        Runs.Result r = run(sh("id; grep CapEff /proc/self/status; echo $HOME").withUser("app"));
        assertEquals("uid=1000(app) gid=1000(app) groups=2000(extra)\nCapEff:\t0000000000000000\n/home/app\n", r.out(), r.err());
    }

    @Test
    void signalsReachTheContainer() throws Exception {
        assertEquals(42, signalAfterReady(sh("trap 'echo got-term; exit 42' TERM; echo ready; while true; do sleep 0.05; done"),
                15, "got-term"));
    }

    @Test
    void environmentAndWorkdir() throws Exception {
        Runs.Result r = run(sh("echo $FOO:$PATH; pwd").withEnv(List.of("FOO=bar")).withWorkdir("/tmp"));
        assertEquals("bar:" + SpecBuilder.DEFAULT_PATH + "\n/tmp\n", r.out(), r.err());
        assertNotEquals(0, run(sh("exit 1")).code());
    }
}
