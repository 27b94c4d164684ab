package io.jstore.engine.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jstore.engine.testing.Containerd;
import io.jstore.graph.Graph;
import io.jstore.graph.testing.ImageFixtures;
import io.jstore.graph.testing.TestDriver;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real containerd (Debian's package) with jstore as its proxy snapshotter: {@code ctr image
 * import} unpacks a busybox image through jstore, {@code ctr run --rm} runs a container on it.
 * {@link OverlayContainerdTest} runs the same over overlay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerdTest {
    private static final String IMAGE = "docker.io/jstore/busybox:1";
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private final ScratchFilesystem fs;
    protected String driver = TestDriver.NAME;

    ContainerdTest(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs) {
        this.fs = fs;
    }

    /** A two-layer image: a static busybox with a few applets, then a file and a whiteout of the first's. */
    private Path image() throws IOException {
        Path tree = Files.createDirectories(fs.root().resolve("image/base"));
        Files.createDirectories(tree.resolve("bin"));
        Files.createDirectories(tree.resolve("tmp"));
        Files.createDirectories(tree.resolve("etc"));
        Files.copy(BUSYBOX, tree.resolve("bin/busybox"));
        for (String app : List.of("sh", "cat", "ls", "echo")) Files.createSymbolicLink(tree.resolve("bin/" + app), Path.of("busybox"));
        Files.writeString(tree.resolve("etc/issue"), "base layer\n");
        byte[] base = Files.readAllBytes(ImageFixtures.tar(tree, fs.root().resolve("image/base.tar")));
        byte[] top = ImageFixtures.layer(fs.root().resolve("image/trees"), Map.of("etc/motd", "hello from layer two\n"),
                List.of("etc/issue"));
        Path dir = ImageFixtures.dockerArchive(fs.root().resolve("image/archive"), IMAGE, List.of(base, top));
        return ImageFixtures.tar(dir, fs.root().resolve("image/busybox.tar"));
    }

    @Test
    void importAndRunThroughJstore() throws Exception {
        Root.assumeRoot();
        assumeTrue(Files.isExecutable(Containerd.BINARY) && Files.isExecutable(Containerd.CTR),
                "containerd is not installed (scripts/setup.sh installs Debian's containerd)");
        assumeTrue(Files.isExecutable(BUSYBOX), "no static busybox (scripts/setup.sh installs busybox-static)");
        Path archive = image();
        Path socket = fs.root().resolve("jstore.sock");
        try (Graph graph = Graph.open(fs.root().resolve("store"), driver);
             ContainerdServer server = ContainerdServer.start(socket, new Snapshotter(graph));
             Containerd ctrd = Containerd.start(fs.root().resolve("ctrd"), socket)) {
            Containerd.Result imported = ctrd.ctr("default", "image", "import", "--snapshotter", "jstore",
                    archive.toString());
            assertEquals(0, imported.exit(), imported.output());
            assertEquals(2, graph.layers().size(), "each image layer is one jstore layer: " + graph.layers());

            Containerd.Result run = ctrd.ctr("default", "run", "--rm", "--snapshotter", "jstore", IMAGE, "c1",
                    "/bin/sh", "-c", "cat /etc/motd; ls /etc; echo written > /tmp/f; cat /tmp/f");
            assertEquals(0, run.exit(), run.output() + ctrd.log());
            assertEquals("hello from layer two\nmotd\nwritten\n", run.output().replace("\r", ""));
            // containerd removes backend snapshots in its garbage collection, soon after the container goes.
            for (int i = 0; i < 100 && !graph.containers().isEmpty(); i++) Thread.sleep(100);
            assertTrue(graph.containers().isEmpty(), "--rm removed the active snapshot: " + graph.containers());

            // A second namespace finds the layers by containerd.io/snapshot.ref: nothing is unpacked again.
            Containerd.Result again = ctrd.ctr("other", "image", "import", "--snapshotter", "jstore", archive.toString());
            assertEquals(0, again.exit(), again.output());
            assertEquals(2, graph.layers().size(), "layers shared across namespaces: " + graph.layers());
            Containerd.Result run2 = ctrd.ctr("other", "run", "--rm", "--snapshotter", "jstore", IMAGE, "c2",
                    "/bin/cat", "/etc/motd");
            assertEquals("hello from layer two\n", run2.output().replace("\r", ""), ctrd.log());

            // jstore's reason reaches containerd's user: a parent must be committed (only jstore checks that).
            // (containerd's name of the top layer: its ChainID of the image's tar, while jstore's
            // layer has the ChainID of the diff jstore made of what containerd unpacked.)
            String top = ctrd.ctr("default", "snapshots", "--snapshotter", "jstore", "ls").output().lines()
                    .map(l -> l.trim().split("\\s+")).filter(f -> f.length == 3 && f[2].equals("Committed"))
                    .findFirst().orElseThrow()[0];
            Containerd.Result k1 = ctrd.ctr("default", "snapshots", "--snapshotter", "jstore", "prepare", "k1", top);
            assertEquals(0, k1.exit(), k1.output());
            Containerd.Result refused = ctrd.ctr("default", "snapshots", "--snapshotter", "jstore", "prepare", "k2", "k1");
            assertTrue(refused.exit() != 0 && refused.output().contains("jstore: snapshot")
                    && refused.output().contains("a parent must be committed"), refused.output());
            assertEquals(0, ctrd.ctr("default", "snapshots", "--snapshotter", "jstore", "rm", "k1").exit());

            timeAgainstOverlayfs(ctrd, archive);

            assertEquals(0, ctrd.ctr("default", "image", "rm", IMAGE).exit());
            assertEquals(0, ctrd.ctr("other", "image", "rm", IMAGE).exit());
            var fsck = graph.fsck();
            assertTrue(fsck.clean(), "the store after containerd's use: " + fsck);
        }
    }

    /** Start-to-exit of {@code ctr run --rm} on jstore beside containerd's own overlayfs snapshotter, printed. */
    private void timeAgainstOverlayfs(Containerd ctrd, Path archive) throws Exception {
        Containerd.Result imported = ctrd.ctr("bench", "image", "import", "--snapshotter", "overlayfs", archive.toString());
        assertEquals(0, imported.exit(), imported.output());
        long[] jstore = new long[5];
        long[] overlayfs = new long[5];
        for (int i = 0; i < jstore.length; i++) {
            jstore[i] = timedRun(ctrd, "default", "jstore", "t" + i);
            overlayfs[i] = timedRun(ctrd, "bench", "overlayfs", "o" + i);
        }
        java.util.Arrays.sort(jstore);
        java.util.Arrays.sort(overlayfs);
        System.out.printf("containerd ctr run --rm, median of %d: jstore(%s) %.0f ms, overlayfs %.0f ms%n", jstore.length,
                driver, jstore[jstore.length / 2] / 1e6, overlayfs[overlayfs.length / 2] / 1e6);
        assertEquals(0, ctrd.ctr("bench", "image", "rm", IMAGE).exit());
    }

    private static long timedRun(Containerd ctrd, String ns, String snapshotter, String id) throws Exception {
        Containerd.Result r = ctrd.ctr(ns, "run", "--rm", "--snapshotter", snapshotter, IMAGE, id, "/bin/cat", "/etc/motd");
        assertEquals("hello from layer two\n", r.output().replace("\r", ""), snapshotter);
        return r.nanos();
    }
}
