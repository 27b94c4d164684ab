package io.jstore.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.DriverProvider;
import io.jstore.driver.Drivers;
import io.jstore.driver.Probe;
import io.jstore.graph.Graph;
import io.jstore.graph.ImageRecord;
import io.jstore.graph.image.ImageImporter;
import io.jstore.graph.image.ImportProgress;
import io.jstore.layer.Change;
import io.jstore.linux.MountInfo;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Containers end to end on a real driver: image imported into graph-db, the read-write layer's
 * mount specs performed inside the container's mount namespace, diff, commit, --rm, detached
 * runs. Each driver's test is a subclass naming the driver and the filesystem it needs.
 */
abstract class ContainerRuntimeTest {
    final String driver;

    ContainerRuntimeTest(String driver) {
        this.driver = driver;
    }

    Graph open(ScratchFilesystem fs) throws Exception {
        Root.assumeRoot();
        Optional<DriverProvider> p = Drivers.all().stream().filter(d -> d.name().equals(driver)).findFirst();
        Assumptions.assumeTrue(p.isPresent(), driver + " driver is not on the class path");
        Path root = fs.root().resolve("store");
        Probe probe = p.get().probe(root.resolve(driver));
        Assumptions.assumeTrue(probe.supported(), driver + ": " + probe.reason());
        Graph g = Graph.open(root, driver);
        Path tree = BusyboxRootfs.create(fs.root().resolve("busybox"));
        ImageImporter.importPath(g, tree, List.of("bb:1"), ImportProgress.NONE);
        return g;
    }

    static Runs.Result run(ContainerRuntime rt, Executor ex, String id, String image, boolean remove, RunOptions opts)
            throws Exception {
        ContainerRuntime.Started s = rt.start(new ContainerRuntime.Request(id, image, opts, ex.name(), false, remove), Stdio.PIPES, ex);
        var out = Runs.drain(s.container().process().getInputStream());
        var err = Runs.drain(s.container().process().getErrorStream());
        ExitStatus st = rt.finish(s, remove);
        long pid = s.container().pid();
        assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "the container's init " + pid + " is gone");
        assertTrue(!s.container().process().isAlive(), "the supervisor is gone");
        return new Runs.Result(st.code(), st.oomKilled(), out.join(), err.join());
    }

    void runDiffCommitAndRunTheCommit(ScratchFilesystem fs, Executor ex) throws Exception {
        try (Graph g = open(fs)) {
            ContainerRuntime rt = new ContainerRuntime(g);
            Runs.Result r = run(rt, ex, "c1", "bb:1", false,
                    ExecutorContract.sh("hostname; tr '\\0' ' ' < /proc/1/cmdline; echo hi > /x; rm /etc/group").withHostname("web"));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("web\nsh -c "), r.out());
            List<String> changes = g.changes("c1").stream().map(Change::toString).toList();
            assertTrue(changes.stream().anyMatch(c -> c.contains("/x")), changes.toString());
            assertTrue(changes.stream().anyMatch(c -> c.contains("/etc/group")), changes.toString());
            assertEquals("exited", rt.state("c1").status());
            assertEquals(0, rt.state("c1").exitCode());

            ImageRecord img = rt.commit("c1", List.of("bb:patched"));
            assertEquals(2, img.diffIds().size());
            Runs.Result again = run(rt, ex, "c2", "bb:patched", true, ExecutorContract.sh("cat /x; test -e /etc/group || echo gone"));
            assertEquals("hi\ngone\n", again.out(), again.err());
            assertTrue(g.container("c2").isEmpty(), "--rm removes the container");
            rt.remove("c1", false);
            assertTrue(g.container("c1").isEmpty());
            assertEquals(List.of(), MountInfo.under(fs.root().resolve("store")).stream().map(m -> m.mountPoint().toString()).toList());
            assertEquals(List.of(), Runs.leftoverCgroups("c1"));
            assertTrue(Files.notExists(rt.dir("c1")));
        }
    }

    void detachedRunsAreSupervisedWithoutTheJvm(ScratchFilesystem fs, Executor ex) throws Exception {
        try (Graph g = open(fs)) {
            ContainerRuntime rt = new ContainerRuntime(g);
            ContainerRuntime.Started s = rt.start(new ContainerRuntime.Request("d1", "bb:1",
                    ExecutorContract.sh("echo started; exec sleep 30").withMemory(64L << 20), ex.name(), true, false), Stdio.PIPES, ex);
            s.container().detach();
            assertEquals("running", rt.state("d1").status());
            for (int i = 0; i < 500 && !Files.readString(rt.logFile("d1")).contains("started"); i++) Thread.sleep(10);
            assertEquals("started\n", Files.readString(rt.logFile("d1")));
            ContainerState stopped = rt.stop("d1", Duration.ofMillis(300));
            // sleep as PID 1 has no TERM handler: the kernel ignores it, the KILL after the grace ends it
            assertEquals("exited", stopped.status());
            assertEquals(137, stopped.exitCode());
            rt.remove("d1", false);
            assertEquals(List.of(), Runs.leftoverCgroups("d1"));
            assertEquals(List.of(), MountInfo.under(fs.root().resolve("store")).stream().map(m -> m.mountPoint().toString()).toList());
        }
    }

    /** The JVM is not the supervisor: a container whose shim is killed shows as dead, and rm still cleans it. */
    void aVanishedSupervisorShowsAsDead(ScratchFilesystem fs) throws Exception {
        try (Graph g = open(fs)) {
            ContainerRuntime rt = new ContainerRuntime(g);
            Executor ex = new BuiltinExecutor();
            ContainerRuntime.Started s = rt.start(new ContainerRuntime.Request("z1", "bb:1",
                    ExecutorContract.sh("exec sleep 30"), ex.name(), true, false), Stdio.PIPES, ex);
            s.container().detach();
            s.container().process().destroyForcibly().waitFor();
            assertEquals("dead", rt.state("z1").status());
            rt.remove("z1", false);
            assertEquals(List.of(), Runs.leftoverCgroups("z1"));
        }
    }

}
