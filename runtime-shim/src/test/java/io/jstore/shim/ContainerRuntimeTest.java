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
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Containers end to end on a real driver: image imported into graph-db, the read-write layer's
 * mount specs performed inside the container's mount namespace, diff, commit, --rm, detached
 * runs. Each driver's test is a subclass naming the driver and the filesystem it needs.
 */
abstract class ContainerRuntimeTest {
    final String driver;
    private final FsType fsType;

    ContainerRuntimeTest(String driver, FsType fsType) {
        this.driver = driver;
        this.fsType = fsType;
    }

    /** A fresh filesystem of the subclass's type per test (a {@code @Scratch} parameter's type is fixed in the source). */
    private ScratchFilesystem scratch() throws Exception {
        Root.assumeRoot();
        return ScratchFilesystem.create(fsType, 512L << 20);
    }

    private static OciRuntime runcIfItRuns() {
        OciRuntime runc = OciRuntime.named("runc");
        Assumptions.assumeTrue(runc.probe().supported(), runc.probe().reason());
        return runc;
    }

    @Test
    void builtin() throws Exception {
        try (ScratchFilesystem fs = scratch()) {
            runDiffCommitAndRunTheCommit(fs, new BuiltinExecutor());
        }
    }

    @Test
    void runc() throws Exception {
        OciRuntime runc = runcIfItRuns();
        try (ScratchFilesystem fs = scratch()) {
            runDiffCommitAndRunTheCommit(fs, runc);
        }
    }

    @Test
    void detached() throws Exception {
        try (ScratchFilesystem fs = scratch()) {
            detachedRunsAreSupervisedWithoutTheJvm(fs, new BuiltinExecutor());
        }
    }

    /** runc's own --detach leaves nobody to learn the exit code; ours must record the real one, not -1. */
    @Test
    void detachedRunc() throws Exception {
        OciRuntime runc = runcIfItRuns();
        try (ScratchFilesystem fs = scratch()) {
            detachedRunsAreSupervisedWithoutTheJvm(fs, runc);
        }
    }

    @Test
    void initLayer() throws Exception {
        try (ScratchFilesystem fs = scratch()) {
            mountPointsAreNotTheContainersChanges(fs, new BuiltinExecutor());
        }
    }

    @Test
    void initLayerRunc() throws Exception {
        OciRuntime runc = runcIfItRuns();
        try (ScratchFilesystem fs = scratch()) {
            mountPointsAreNotTheContainersChanges(fs, runc);
        }
    }

    @Test
    void runningIsHeld() throws Exception {
        try (ScratchFilesystem fs = scratch()) {
            aRunningContainerIsHeldByItsSupervisor(fs, new BuiltinExecutor());
        }
    }

    @Test
    void deadSupervisor() throws Exception {
        try (ScratchFilesystem fs = scratch()) {
            aVanishedSupervisorShowsAsDead(fs);
        }
    }

    /**
     * A --rm container's root is an ephemeral layer: mounted inside its namespace with the
     * driver's words for it ({@link #ephemeralMountWords}), which a kept container's root lacks.
     */
    @Test
    void removedContainersMountTheirRootEphemeral() throws Exception {
        try (ScratchFilesystem fs = scratch(); Graph g = open(fs)) {
            ContainerRuntime rt = new ContainerRuntime(g);
            Executor ex = new BuiltinExecutor();
            RunOptions cat = ExecutorContract.sh("cat /proc/self/mountinfo");
            List<String> removed = rootOptions(run(rt, ex, "rm1", "bb:1", true, cat));
            List<String> kept = rootOptions(run(rt, ex, "kept1", "bb:1", false, cat));
            rt.remove("kept1", false);
            for (String word : ephemeralMountWords()) {
                assertTrue(removed.stream().anyMatch(o -> o.equals(word) || o.endsWith("=" + word)), word + " in " + removed);
                assertTrue(kept.stream().noneMatch(o -> o.equals(word) || o.endsWith("=" + word)), word + " in " + kept);
            }
        }
    }

    /** What the driver's mount of an ephemeral layer shows in mountinfo's super options (overlay's {@code fsync=volatile}). */
    List<String> ephemeralMountWords() {
        return List.of();
    }

    private static List<String> rootOptions(Runs.Result r) {
        assertEquals(0, r.code(), r.err());
        List<MountInfo.Entry> roots = MountInfo.parse(r.out()).stream().filter(e -> e.mountPoint().equals(Path.of("/"))).toList();
        assertEquals(1, roots.size(), r.out());
        return roots.get(0).superOptions();
    }

    Graph open(ScratchFilesystem fs) throws Exception {
        return open(fs, false);
    }

    /** With {@code bare}, the image lacks /proc, /sys and /dev, as many minimal images do. */
    Graph open(ScratchFilesystem fs, boolean bare) throws Exception {
        Root.assumeRoot();
        Optional<DriverProvider> p = Drivers.all().stream().filter(d -> d.name().equals(driver)).findFirst();
        Assumptions.assumeTrue(p.isPresent(), driver + " driver is not on the class path");
        Path root = fs.root().resolve("store");
        Probe probe = p.get().probe(root.resolve(driver));
        Assumptions.assumeTrue(probe.supported(), driver + ": " + probe.reason());
        Graph g = Graph.open(root, driver);
        Path tree = BusyboxRootfs.create(fs.root().resolve("busybox"));
        if (bare) for (String d : List.of("proc", "sys", "dev")) Files.delete(tree.resolve(d));
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
            assertEquals(1, g.containerHolders("z1").size(), "the supervisor holds it");
            s.container().process().destroyForcibly().waitFor();
            assertEquals("dead", rt.state("z1").status());
            assertEquals(List.of(), g.containerHolders("z1"), "a SIGKILLed supervisor holds nothing");
            assertTrue(g.fsck().fixed().stream().anyMatch(f -> f.contains("container:z1")), "repair drops its hold");
            rt.remove("z1", false);
            assertEquals(List.of(), Runs.leftoverCgroups("z1"));
        }
    }


    /**
     * The image has no /proc, /sys, /dev, /etc/hosts…: the runtime's mount points come from the
     * container's init layer, so its diff and commit hold exactly what it wrote.
     */
    void mountPointsAreNotTheContainersChanges(ScratchFilesystem fs, Executor ex) throws Exception {
        try (Graph g = open(fs, true)) {
            ContainerRuntime rt = new ContainerRuntime(g);
            Runs.Result r = run(rt, ex, "m1", "bb:1", false, ExecutorContract.sh("test -d /proc/self && echo hi > /x"));
            assertEquals(0, r.code(), r.err());
            assertEquals(List.of(new Change(Change.Kind.ADDED, "/x")), g.changes("m1"));
            ImageRecord img = rt.commit("m1", List.of("bb:x"));
            assertEquals(List.of(new Change(Change.Kind.ADDED, "/x")), g.changes(img.topChainId()), "the committed layer");
            Runs.Result again = run(rt, ex, "m2", "bb:x", false, ExecutorContract.sh("cat /x; echo more > /y"));
            assertEquals("hi\n", again.out(), again.err());
            assertEquals(List.of(new Change(Change.Kind.ADDED, "/y")), g.changes("m2"));
            rt.remove("m2", false);
            rt.remove("m1", false);
            assertEquals(java.util.Set.of(), g.driver().ids().stream().filter(id -> id.endsWith("-init")).collect(java.util.stream.Collectors.toSet()),
                    "init layers go with their containers");
            assertTrue(g.fsck().clean(), "fsck");
            assertEquals(List.of(), MountInfo.under(fs.root().resolve("store")).stream().map(m -> m.mountPoint().toString()).toList());
        }
    }

    /** graph-db sees no mount of a running container (it is in the container's namespace): its supervisor's hold refuses rm. */
    void aRunningContainerIsHeldByItsSupervisor(ScratchFilesystem fs, Executor ex) throws Exception {
        try (Graph g = open(fs)) {
            ContainerRuntime rt = new ContainerRuntime(g);
            ContainerRuntime.Started s = rt.start(new ContainerRuntime.Request("h1", "bb:1",
                    ExecutorContract.sh("exec sleep 30"), ex.name(), true, false), Stdio.PIPES, ex);
            s.container().detach();
            String top = g.image("bb:1").topChainId();
            try {
                String cache = g.container("h1").orElseThrow().cacheId();
                var e = org.junit.jupiter.api.Assertions.assertThrows(io.jstore.graph.GraphException.ContainerRunningException.class,
                        () -> g.removeContainer("h1"));
                assertEquals("h1", e.container());
                assertTrue(e.getMessage().contains("h1"), e.getMessage());
                org.junit.jupiter.api.Assertions.assertThrows(io.jstore.graph.GraphException.InUseException.class, () -> g.removeLayer(top));
                assertEquals(List.of(), g.gc().removedLayers(), "gc keeps a running container's layers");
                assertTrue(g.driver().exists(cache) && g.driver().exists(cache + "-init"));
                assertEquals("running", rt.state("h1").status());
                rt.stop("h1", Duration.ZERO);
                assertEquals(List.of(), g.containerHolders("h1"));
            } finally {
                if (g.container("h1").isPresent()) rt.remove("h1", true);
            }
            g.removeImage("bb:1");
            assertEquals(List.of(top), g.gc().removedLayers(), "after rm nothing holds the image layer");
            assertEquals(List.of(), MountInfo.under(fs.root().resolve("store")).stream().map(m -> m.mountPoint().toString()).toList());
        }
    }
}
