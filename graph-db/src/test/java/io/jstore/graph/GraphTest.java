package io.jstore.graph;

import io.jstore.graph.testing.TestDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.graph.testing.ImageFixtures;
import io.jstore.layer.Change;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The graph over the real vfs driver, found through ServiceLoader, on a scratch xfs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphTest {
    private final ScratchFilesystem fs;
    /** The driver under test; {@link OverlayGraphTest} runs every test again over overlay. */
    protected String driver = TestDriver.NAME;
    private int stores;

    GraphTest(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs) {
        this.fs = fs;
    }

    private Path newRoot() {
        return fs.root().resolve("store-" + stores++);
    }

    private byte[] layer(Map<String, String> files, String... deleted) throws IOException {
        return ImageFixtures.layer(fs.root().resolve("trees"), files, List.of(deleted));
    }

    static LayerRecord register(Graph g, String parent, byte[] tar) throws IOException {
        return g.registerLayer(parent, new ByteArrayInputStream(tar), LayerSource.UNKNOWN, false, null);
    }

    /** Every driver layer is one the records name, and the other way round. */
    static void assertConsistent(Graph g) throws IOException {
        Set<String> known = g.db().read(t -> {
            Set<String> s = t.layers().stream().map(LayerRecord::cacheId).collect(Collectors.toSet());
            for (ContainerRecord c : t.containers()) {
                s.add(c.cacheId());
                s.add(InitLayer.idOf(c.cacheId()));
            }
            return s;
        });
        assertEquals(known, g.driver().ids(), "driver layers vs records");
        assertTrue(g.db().read(GraphTxn::incompletes).isEmpty(), "no work in progress left");
        Repair.Report r = g.fsck();
        assertTrue(r.clean(), "fsck: " + r);
    }

    @Test
    void layersStackAndAChildSeesItsParentWithWhiteoutsApplied() throws IOException {
        try (Graph g = Graph.open(newRoot(), (String) null)) {
            assertEquals("overlay", g.driver().name(), "the best probe: overlay, else vfs");
            LayerRecord base = register(g, null, layer(Map.of("etc/os-release", "base\n", "etc/old", "x")));
            LayerRecord top = register(g, base.chainId(), layer(Map.of("etc/app", "app\n"), "etc/old"));
            assertEquals(Digests.chainId(base.chainId(), top.diffId()), top.chainId());
            assertEquals(List.of(top.chainId()), g.children(base.chainId()));
            Path root = g.mount(top.chainId());
            try {
                assertEquals("base\n", Files.readString(root.resolve("etc/os-release")));
                assertEquals("app\n", Files.readString(root.resolve("etc/app")));
                assertFalse(Files.exists(root.resolve("etc/old")), "the whiteout deleted it");
            } finally {
                g.unmount(top.chainId());
            }
            assertEquals(List.of(new Change(Change.Kind.MODIFIED, "/etc"), new Change(Change.Kind.ADDED, "/etc/app"),
                    new Change(Change.Kind.DELETED, "/etc/old")), g.changes(top.chainId()));
            assertConsistent(g);
        }
    }

    @Test
    void theSameLayerRegisteredTwiceIsStoredOnce() throws IOException {
        byte[] tar = layer(Map.of("a", "1"));
        try (Graph g = Graph.open(newRoot(), driver)) {
            LayerRecord a = register(g, null, tar);
            LayerRecord b = register(g, null, tar);
            assertEquals(a, b);
            // Announced, it costs no driver work at all.
            LayerRecord c = g.registerLayer(null, new ByteArrayInputStream(new byte[0]), LayerSource.expecting(a.diffId()),
                    false, null);
            assertEquals(a.cacheId(), c.cacheId());
            assertEquals(1, g.driver().ids().size());
        }
    }

    @Test
    void imagesSharingABaseShareItsLayerAndGcFreesExactlyTheUnshared() throws IOException {
        byte[] base = layer(Map.of("bin/sh", "sh"));
        try (Graph g = Graph.open(newRoot(), driver)) {
            ImageRecord one = image(g, "one:1", base, layer(Map.of("one", "1")));
            ImageRecord two = image(g, "two:1", base, layer(Map.of("two", "2")));
            assertEquals(3, g.layers().size(), "base once, two tops");
            assertEquals(one.diffIds().get(0), two.diffIds().get(0));
            assertTrue(g.gc().removedLayers().isEmpty(), "both images need every layer");

            g.removeImage("one:1");
            List<String> removed = g.gc().removedLayers();
            assertEquals(List.of(one.topChainId()), removed, "only one's own top goes");
            assertEquals(Set.of(two.topChainId(), two.diffIds().get(0)),
                    g.layers().stream().map(LayerRecord::chainId).collect(Collectors.toSet()));

            g.removeImage(two.id());
            assertEquals(2, g.gc().removedLayers().size(), "top, then the base it stood on");
            assertTrue(g.layers().isEmpty());
            assertTrue(g.driver().ids().isEmpty());
            assertConsistent(g);
        }
    }

    @Test
    void gcNeverDeletesWhatIsInUse() throws IOException {
        try (Graph g = Graph.open(newRoot(), driver)) {
            ImageRecord img = image(g, "app:1", layer(Map.of("bin/sh", "sh")), layer(Map.of("app", "1")));
            ContainerRecord c = g.createContainer("web", "app:1", Map.of());
            assertThrows(GraphException.InUseException.class, () -> g.removeImage("app:1"), "a container uses it");

            LayerRecord held = register(g, null, layer(Map.of("held", "1")));
            g.holdLayer(held.chainId());
            LayerRecord mounted = register(g, null, layer(Map.of("mounted", "1")));
            g.mount(mounted.chainId());
            Lease lease = g.beginLease();
            LayerRecord leased = g.registerLayer(null, new ByteArrayInputStream(layer(Map.of("leased", "1"))),
                    LayerSource.UNKNOWN, false, lease);

            assertEquals(List.of(), g.gc().removedLayers());
            assertThrows(GraphException.InUseException.class, () -> g.removeLayer(img.diffIds().get(0), 0), "a child stands on it");
            assertThrows(GraphException.InUseException.class, () -> g.removeLayer(mounted.chainId(), 0));

            g.unmount(mounted.chainId());
            g.endLease(lease);
            g.releaseLayer(held.chainId());
            assertEquals(Set.of(mounted.chainId(), leased.chainId(), held.chainId()), Set.copyOf(g.gc().removedLayers()));

            g.removeContainer(c.id());
            assertEquals(List.of(), g.gc().removedLayers(), "the image still holds its layers");
            g.removeImage("app:1");
            assertEquals(2, g.gc().removedLayers().size());
            assertConsistent(g);
        }
    }

    @Test
    void aContainersWritesLandInItsOwnLayerOnly() throws IOException {
        try (Graph g = Graph.open(newRoot(), driver)) {
            ImageRecord img = image(g, "app:1", layer(Map.of("etc/motd", "hello\n")));
            ContainerRecord c = g.createContainer("c1", "app:1", Map.of("user", "root"));
            assertEquals(img.topChainId(), c.layer());
            Path root = g.mountDetached("c1");
            Files.writeString(root.resolve("etc/motd"), "changed\n");
            Files.writeString(root.resolve("new"), "n");
            assertEquals(List.of(new Change(Change.Kind.MODIFIED, "/etc"), new Change(Change.Kind.MODIFIED, "/etc/motd"),
                    new Change(Change.Kind.ADDED, "/new")), g.changes("c1"));
            assertThrows(GraphException.InUseException.class, () -> g.removeContainer("c1"), "mounted");
            assertEquals(1, g.mountsOf("c1").count());
            g.unmount("c1");
            Path image = g.mount(img.topChainId());
            assertEquals("hello\n", Files.readString(image.resolve("etc/motd")), "the image layer is untouched");
            g.unmount(img.topChainId());
            g.removeContainer("c1");
            assertTrue(g.containers().isEmpty());
            assertConsistent(g);
        }
    }

    /** The image has no /proc, /sys, /dev or /etc: the init layer holds them, so they are no change of the container's. */
    @Test
    void mountPointsLiveInTheInitLayerNotInTheContainersChanges() throws IOException {
        try (Graph g = Graph.open(newRoot(), driver)) {
            image(g, "bare:1", layer(Map.of("bin/app", "#!\n")));
            ContainerRecord c = g.createContainer("c1", "bare:1", Map.of());
            assertTrue(g.driver().exists(InitLayer.idOf(c.cacheId())));
            Path root = g.mountDetached("c1");
            for (String d : List.of("proc", "sys", "dev")) assertTrue(Files.isDirectory(root.resolve(d)), d);
            for (String f : List.of("etc/hosts", "etc/resolv.conf", "etc/hostname")) assertTrue(Files.isRegularFile(root.resolve(f)), f);
            assertEquals(List.of(), g.changes("c1"));
            Files.writeString(root.resolve("x"), "x");
            assertEquals(List.of(new Change(Change.Kind.ADDED, "/x")), g.changes("c1"));
            g.unmount("c1");
            g.removeContainer("c1");
            assertEquals(Set.of(), g.driver().ids().stream().filter(id -> id.startsWith(c.cacheId())).collect(Collectors.toSet()),
                    "the init layer goes with the container");
            assertConsistent(g);
        }
    }

    /** A supervisor's hold refuses rm (typed, naming the container), keeps gc off, and dies with the supervisor. */
    @Test
    void aRunningContainersSupervisorHoldsIt() throws Exception {
        try (Graph g = Graph.open(newRoot(), driver)) {
            ImageRecord img = image(g, "app:1", layer(Map.of("bin/app", "#!\n")));
            ContainerRecord c = g.createContainer("c1", "app:1", Map.of());
            Process sup = new ProcessBuilder("sleep", "600").start();
            try {
                g.holdContainer("c1", io.jstore.driver.support.ProcessIdentity.of(sup.pid()));
                var e = assertThrows(GraphException.ContainerRunningException.class, () -> g.removeContainer("c1"));
                assertEquals("c1", e.container());
                assertEquals(sup.pid(), e.supervisorPid());
                assertTrue(e.getMessage().contains("c1"), e.getMessage());
                assertThrows(GraphException.InUseException.class, () -> g.removeLayer(img.topChainId()));
                assertEquals(List.of(), g.gc().removedLayers());
                assertTrue(g.driver().exists(c.cacheId()));
            } finally {
                sup.destroyForcibly().waitFor();
            }
            assertEquals(List.of(), g.containerHolders("c1"), "a dead supervisor holds nothing");
            g.removeContainer("c1");
            g.removeImage("app:1");
            assertEquals(List.of(img.topChainId()), g.gc().removedLayers());
            assertTrue(g.db().read(GraphTxn::allMounts).isEmpty(), "no hold record left");
            assertConsistent(g);
        }
    }

    @Test
    void aStoreKeepsTheDriverItWasMadeWith() throws IOException {
        Path root = newRoot();
        try (Graph g = Graph.open(root, driver)) {
            register(g, null, layer(Map.of("x", "1")));
        }
        try (Graph g = Graph.open(root, (String) null)) {
            assertEquals(driver, g.driver().name());
            assertEquals(1, g.layers().size());
        }
        assertThrows(IOException.class, () -> Graph.open(root, "no-such-driver"));
    }

    @Test
    void fsckRemovesDriverLayersNoRecordKnowsAndReportsRecordsWithoutContent() throws IOException {
        try (Graph g = Graph.open(newRoot(), driver)) {
            LayerRecord l = register(g, null, layer(Map.of("x", "1")));
            g.driver().create("stray", null, io.jstore.driver.CreateOptions.DEFAULT);
            Repair.Report r = g.fsck();
            assertEquals(1, r.fixed().size(), r.toString());
            assertTrue(r.fixed().get(0).contains("stray"), r.toString());
            assertFalse(g.driver().exists("stray"));

            g.driver().remove(l.cacheId()); // content lost behind the graph's back
            Repair.Report lost = g.fsck();
            assertEquals(1, lost.problems().size(), lost.toString());
            assertTrue(lost.problems().get(0).contains(l.chainId()), lost.toString());
        }
    }

    private static ImageRecord image(Graph g, String name, byte[]... layers) throws IOException {
        Lease lease = g.beginLease();
        String parent = null;
        List<String> diffIds = new java.util.ArrayList<>();
        for (byte[] l : layers) {
            LayerRecord r = g.registerLayer(parent, new ByteArrayInputStream(l), LayerSource.UNKNOWN, false, lease);
            parent = r.chainId();
            diffIds.add(r.diffId());
        }
        String config = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + String.join("\",\"", diffIds) + "\"]}}";
        return g.commitImage(config.getBytes(), diffIds, null, List.of(name), lease);
    }
}
