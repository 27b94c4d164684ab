package io.jstore.graph;

import io.jstore.graph.testing.TestDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.graph.image.ImageImporter;
import io.jstore.graph.image.ImportProgress;
import io.jstore.graph.testing.ImageFixtures;
import io.jstore.layer.Compression;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A jstore process dies between every two steps (a crash point halts it as kill -9 would),
 * and at random moments of an import; the next open repairs, fsck finds nothing left to fix,
 * and every driver layer is one the records name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphCrashTest {
    private final ScratchFilesystem fs;
    private final Path image;
    /** The driver under test; {@link OverlayGraphCrashTest} runs every crash again over overlay. */
    protected String driver = TestDriver.NAME;
    private int n;

    GraphCrashTest(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs) throws IOException {
        this.fs = fs;
        Path trees = fs.root().resolve("trees");
        List<byte[]> layers = List.of(ImageFixtures.layer(trees, Map.of("bin/sh", "sh", "etc/a", "a")),
                ImageFixtures.layer(trees, Map.of("etc/b", "b")));
        this.image = ImageFixtures.ociLayout(Files.createDirectories(fs.root().resolve("image")), "crash:1",
                Compression.GZIP, layers);
    }

    private Path newRoot() {
        return fs.root().resolve("store-" + n++);
    }

    private void crashAt(String point, String... args) throws Exception {
        try (ChildJvm c = ChildJvm.start(List.of("-Djstore.crash=" + point, "-D" + GraphChild.DRIVER + "=" + driver),
                GraphChild.class, args)) {
            assertEquals(CrashPoints.HALT_STATUS, c.waitFor(), "the child halted at " + point);
        }
    }

    private void run(String... args) throws Exception {
        try (ChildJvm c = child(args)) {
            assertEquals(0, c.waitFor(), String.join(" ", args));
        }
    }

    private ChildJvm child(String... args) throws java.io.IOException {
        return ChildJvm.start(List.of("-D" + GraphChild.DRIVER + "=" + driver), GraphChild.class, args);
    }

    /** Consistent records, and no mount left under the store that no live holder explains. */
    private static void assertRepaired(Graph g, Path root) throws IOException {
        GraphTest.assertConsistent(g);
        List<String> held = new ArrayList<>();
        for (MountRecord m : g.db().read(GraphTxn::allMounts)) if (m.holders().stream().anyMatch(MountRecord.Holder::alive)) held.add(m.cacheId());
        for (io.jstore.linux.MountInfo.Entry e : io.jstore.linux.MountInfo.under(root)) {
            assertTrue(held.stream().anyMatch(id -> e.mountPoint().toString().contains(id)), "leaked mount " + e.mountPoint());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"layer.recorded", "layer.created", "layer.applied", "layer.published", "image.committed"})
    void anImportKilledAtEveryStep(String point) throws Exception {
        Path root = newRoot();
        crashAt(point, "import", root.toString(), image.toString());
        try (Graph g = Graph.open(root, driver)) {
            assertRepaired(g, root);
            if (point.equals("image.committed")) {
                assertEquals(1, g.images().size(), "committed before the crash: kept whole");
                assertEquals(2, g.layers().size());
            } else {
                assertTrue(g.images().isEmpty());
                g.gc();
                assertTrue(g.layers().isEmpty(), "the dead import's lease holds nothing");
                assertTrue(g.driver().ids().isEmpty());
            }
            // And the store still works: the same import now succeeds.
            ImageImporter.importPath(g, image, List.of(), ImportProgress.NONE);
            assertEquals(2, g.layers().size());
            assertRepaired(g, root);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"container.recorded", "container.init", "container.created", "container.published"})
    void aContainerCreationKilledAtEveryStep(String point) throws Exception {
        Path root = newRoot();
        run("import", root.toString(), image.toString());
        crashAt(point, "container", root.toString(), "crash:1", "c1");
        try (Graph g = Graph.open(root, driver)) {
            assertRepaired(g, root);
            assertEquals(point.equals("container.published") ? 1 : 0, g.containers().size());
            if (g.containers().isEmpty()) g.createContainer("c1", "crash:1", Map.of());
            g.removeContainer("c1");
            assertRepaired(g, root);
        }
    }

    /**
     * A run commits its container, its base's reference and its runner's hold in one go before
     * the driver makes a layer, and publishes only when it hands over to a supervisor: killed
     * before that, the container was never there (record, layers, hold and reference go).
     */
    @ParameterizedTest
    @ValueSource(strings = {"container.recorded", "container.init", "container.created", "container.published"})
    void aRunKilledAtEveryStepBeforeItsStart(String point) throws Exception {
        Path root = newRoot();
        run("import", root.toString(), image.toString());
        crashAt(point, "run", root.toString(), "crash:1", "r1");
        boolean handedOver = point.equals("container.published");
        try (Graph g = Graph.open(root, driver)) {
            assertRepaired(g, root);
            assertEquals(handedOver ? 1 : 0, g.containers().size());
            assertEquals(List.of(), g.containerHolders("r1"), "a dead runner or supervisor holds nothing");
            String top = g.image("crash:1").topChainId();
            assertEquals(handedOver ? 2 : 1, g.layer(top).refCount(), "the image's reference, and the container's if it stays");
            if (handedOver) {
                assertEquals("running", g.container("r1").orElseThrow().state());
                g.removeContainer("r1");
            }
            g.removeImage("crash:1");
            g.gc();
            assertTrue(g.layers().isEmpty());
            assertTrue(g.driver().ids().isEmpty());
            assertRepaired(g, root);
        }
    }

    /**
     * An ephemeral run ({@code run --rm}) stays its runner's work in progress until its removal's
     * one commit: its runner killed while the supervisor runs, repair keeps it (the container
     * still uses its layers), and forgets it whole once the supervisor has ended too.
     */
    @Test
    void anEphemeralRunOutlivesItsRunnerOnlyWhileItsSupervisorRuns() throws Exception {
        Path root = newRoot();
        run("import", root.toString(), image.toString());
        Process supervisor = new ProcessBuilder("sleep", "60").start();
        try {
            crashAt("container.published", "run-rm", root.toString(), "crash:1", "e1", Long.toString(supervisor.pid()));
            try (Graph g = Graph.open(root, driver)) {
                assertEquals(1, g.containers().size(), "kept: its supervisor runs");
                String cache = g.container("e1").orElseThrow().cacheId();
                assertTrue(g.driver().exists(cache) && g.driver().exists(cache + "-init"));
                assertEquals(1, g.containerHolders("e1").size());
                assertTrue(g.db().read(t -> t.mounts(cache)).isEmpty());
                org.junit.jupiter.api.Assertions.assertThrows(GraphException.ContainerRunningException.class,
                        () -> g.removeContainer("e1"));
            }
        } finally {
            supervisor.destroyForcibly().waitFor();
        }
        try (Graph g = Graph.open(root, driver)) {
            assertRepaired(g, root);
            assertTrue(g.containers().isEmpty(), "forgotten once its supervisor has ended");
            assertEquals(1, g.layer(g.image("crash:1").topChainId()).refCount(), "the image's reference alone");
        }
    }

    /**
     * A machine restart while an ephemeral run runs: its runner and supervisor are gone, and the
     * driver's first open removes its layers (made in the earlier boot). Repair forgets the
     * container with them and reports no record whose driver layer is gone.
     */
    @Test
    void anEphemeralRunAcrossARestartIsForgottenWithItsLayers() throws Exception {
        Path root = newRoot();
        run("import", root.toString(), image.toString());
        Process supervisor = new ProcessBuilder("sleep", "60").start();
        try {
            crashAt("container.published", "run-rm", root.toString(), "crash:1", "e1", Long.toString(supervisor.pid()));
        } finally {
            supervisor.destroyForcibly().waitFor();
        }
        List<Path> marks;
        try (var s = Files.walk(root)) {
            marks = s.filter(p -> p.getFileName().toString().equals(io.jstore.driver.support.LayerRecords.EPHEMERAL)).toList();
        }
        assertEquals(2, marks.size(), "the read-write and init layers are ephemeral: " + marks);
        for (Path m : marks) Files.writeString(m, "00000000-0000-0000-0000-000000000000"); // an earlier boot's
        try (Graph g = Graph.open(root, driver)) {
            assertRepaired(g, root);
            assertTrue(g.containers().isEmpty(), "forgotten with its layers");
            assertTrue(g.fsck().problems().isEmpty(), g.fsck().problems().toString());
            assertEquals(1, g.layer(g.image("crash:1").topChainId()).refCount(), "the image's reference alone");
        }
    }

    /** The removal of an ephemeral run is the driver's work and one commit: killed in between, repair finishes it. */
    @ParameterizedTest
    @ValueSource(strings = {"container.published", "remove.driver"})
    void anEphemeralRunsRemovalKilledAtEveryStep(String point) throws Exception {
        Path root = newRoot();
        run("import", root.toString(), image.toString());
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        crashAt(point, "run-rm", root.toString(), "crash:1", "e1", Long.toString(ended.pid()));
        try (Graph g = Graph.open(root, driver)) {
            assertRepaired(g, root);
            assertTrue(g.containers().isEmpty());
            assertEquals(1, g.layer(g.image("crash:1").topChainId()).refCount(), "the image's reference alone");
            g.removeImage("crash:1");
            g.gc();
            assertTrue(g.layers().isEmpty());
            assertTrue(g.driver().ids().isEmpty());
        }
    }

    @Test
    void aMountHolderKilledAfterItsRecordHoldsNothing() throws Exception {
        Path root = newRoot();
        run("import", root.toString(), image.toString());
        String top;
        try (Graph g = Graph.open(root, driver)) {
            top = g.image("crash:1").topChainId();
        }
        crashAt("mount.recorded", "mount", root.toString(), top);
        try (ChildJvm c = child("mount", root.toString(), top)) {
            c.await("mounted");
            try (Graph g = Graph.open(root, driver)) {
                assertEquals(1, g.mountsOf(top).count(), "the live holder counts, the killed one does not");
            }
            c.kill();
        }
        try (Graph g = Graph.open(root, driver)) {
            assertEquals(0, g.mountsOf(top).count());
            g.removeImage("crash:1");
            assertEquals(2, g.gc().removedLayers().size(), "no dead holder keeps a layer");
            assertRepaired(g, root);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"remove.claimed", "remove.driver"})
    void aRemovalKilledAtEveryStep(String point) throws Exception {
        Path root = newRoot();
        run("import", root.toString(), image.toString());
        run("container", root.toString(), "crash:1", "c1");
        crashAt(point, "rm-container", root.toString(), "c1");
        try (Graph g = Graph.open(root, driver)) {
            assertRepaired(g, root);
            assertTrue(g.containers().isEmpty(), "claimed before the crash: gone");
            g.removeImage("crash:1");
        }
        crashAt(point, "gc", root.toString());
        try (Graph g = Graph.open(root, driver)) {
            assertRepaired(g, root);
            g.gc();
            assertTrue(g.layers().isEmpty());
            assertTrue(g.driver().ids().isEmpty());
        }
    }

    @Test
    void importsKilledAtRandomMomentsAlwaysLeaveARepairableStore() throws Exception {
        Path trees = fs.root().resolve("trees");
        List<byte[]> layers = new ArrayList<>();
        for (int l = 0; l < 6; l++) {
            Map<String, String> files = new java.util.HashMap<>();
            for (int f = 0; f < 300; f++) files.put("d" + l + "/f" + f, "x".repeat(f * 10));
            layers.add(ImageFixtures.layer(trees, files));
        }
        Path big = ImageFixtures.ociLayout(Files.createDirectories(fs.root().resolve("big")), "big:1", Compression.ZSTD, layers);
        Path root = newRoot();
        Random random = new Random(42);
        for (int round = 0; round < 6; round++) {
            try (ChildJvm c = child("import", root.toString(), big.toString())) {
                Thread.sleep(400 + random.nextInt(2500));
                c.kill();
            }
            try (Graph g = Graph.open(root, driver)) {
                assertRepaired(g, root);
                g.removeImage("big:1"); // whether or not that run got so far
            } catch (GraphException.NotFoundException e) {
                try (Graph g = Graph.open(root, driver)) {
                    assertRepaired(g, root);
                }
            }
        }
        try (Graph g = Graph.open(root, driver)) {
            g.gc();
            assertTrue(g.layers().isEmpty());
            ImageImporter.importPath(g, big, List.of(), ImportProgress.NONE);
            assertEquals(6, g.layers().size());
            assertRepaired(g, root);
        }
    }
}
