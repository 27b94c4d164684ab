package io.jstore.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.Drivers;
import io.jstore.engine.testing.BusyboxArchive;
import io.jstore.engine.testing.Dockerd;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real thing: {@code dockerd --experimental --storage-driver <plugin>} on jstore drivers,
 * through {@code docker load}, {@code run --rm}, {@code diff} and {@code commit}. dockerd finds
 * legacy plugins only as {@code /run/docker/plugins/NAME.sock}, so each run uses a socket name of
 * its own there and removes it; everything else of dockerd's lives on the scratch filesystem.
 */
class DockerdPluginTest {
    private static final Path PLUGINS = Path.of("/run/docker/plugins");
    private static final String IMAGE = "jstore-busybox:test";

    @ParameterizedTest
    @ValueSource(strings = {"vfs", "overlay", "devmapper"})
    void loadRunDiffCommit(String driverName, @Scratch(type = FsType.XFS, sizeMiB = 2048) ScratchFilesystem fs)
            throws Exception {
        onPlugin(driverName, fs);
    }

    @Test
    void loadRunDiffCommitOnBtrfs(@Scratch(type = FsType.BTRFS, sizeMiB = 2048) ScratchFilesystem fs) throws Exception {
        onPlugin("btrfs", fs);
    }

    private static void onPlugin(String driverName, ScratchFilesystem fs) throws Exception {
        Dockerd.assumeInstalled();
        var probe = Drivers.find(driverName).orElseThrow().probe(fs.root().resolve("jstore"));
        Assumptions.assumeTrue(probe.supported(), probe.reason());
        String plugin = "jstore-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Path image = BusyboxArchive.create(Files.createDirectories(fs.root().resolve("image")), IMAGE);
        // the directories too, when this test made them: a host without Docker keeps no trace of the run
        List<Path> made = new ArrayList<>();
        for (Path d = PLUGINS; d != null && !Files.exists(d); d = d.getParent()) made.add(d);
        try (DockerPluginServer server = DockerPluginServer.start(PLUGINS.resolve(plugin + ".sock"),
                Drivers.open(driverName, fs.root().resolve("jstore").resolve(driverName), Map.of()));
             Dockerd docker = Dockerd.start(fs.root().resolve("docker"), plugin, true)) {
            String info = docker.docker("info", "--format", "{{.Driver}} {{json .DriverStatus}}").check();
            assertTrue(info.startsWith(plugin + " "), info);
            assertTrue(info.contains("\"jstore driver\",\"" + driverName + "\""), info);

            flows(docker, image, "jstore " + driverName);
            // the user of docker sees jstore's reason, not a generic failure
            Dockerd.Result refused = docker.docker("run", "--rm", "--network", "none", "--storage-opt", "frob=1", IMAGE, "true");
            assertNotEquals(0, refused.exit());
            assertTrue(refused.err().contains("jstore: unknown storage option 'frob'"), refused.err());
            docker.docker("rmi", "jstore-busybox:committed", IMAGE).check();
            assertEquals("", docker.docker("images", "-q").check());
            assertEquals(java.util.Set.of(), server.driver().ids(), "rmi removed every layer from the driver");
        } finally {
            Files.deleteIfExists(PLUGINS.resolve(plugin + ".sock"));
            for (Path d : made) {
                try {
                    Files.deleteIfExists(d);
                } catch (java.nio.file.DirectoryNotEmptyException inUse) {
                    break; // another run's socket or a real Docker's: theirs
                }
            }
        }
    }

    /** The same flows on dockerd's own overlay2: the oracle for what they must print, and the reference timing. */
    @Test
    void sameFlowsOnDockersOwnOverlay2(@Scratch(type = FsType.XFS, sizeMiB = 2048) ScratchFilesystem fs) throws Exception {
        Dockerd.assumeInstalled();
        Path image = BusyboxArchive.create(Files.createDirectories(fs.root().resolve("image")), IMAGE);
        try (Dockerd docker = Dockerd.start(fs.root().resolve("docker"), "overlay2", false)) {
            assertEquals("overlay2", docker.docker("info", "--format", "{{.Driver}}").check().trim());
            flows(docker, image, "dockerd's overlay2");
            docker.docker("rmi", "jstore-busybox:committed", IMAGE).check();
        }
    }

    private static void flows(Dockerd docker, Path image, String label) throws Exception {
        assertTrue(docker.docker("load", "-i", image.toString()).check().contains(IMAGE));
        assertEquals("hello from jstore\n", docker.docker("run", "--rm", "--network", "none", IMAGE,
                "sh", "-c", "echo hello from jstore").check());

        docker.docker("run", "--name", "c1", "--network", "none", IMAGE,
                "sh", "-c", "echo changed > /root/new && rm /etc/group").check();
        List<String> diff = docker.docker("diff", "c1").check().lines().sorted().toList();
        // what dockerd prints over its own overlay2 (in its walk order; the init layer's /etc/hosts are not the container's)
        assertEquals(List.of("A /root/new", "C /etc", "C /root", "D /etc/group"), diff);
        docker.docker("commit", "c1", "jstore-busybox:committed").check();
        docker.docker("rm", "c1").check();
        assertEquals("changed\nno group\n", docker.docker("run", "--rm", "--network", "none", "jstore-busybox:committed",
                "sh", "-c", "cat /root/new; test -e /etc/group || echo no group").check());

        // start-to-exit of docker run --rm, printed beside the other drivers' (timings are not asserted)
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            long t0 = System.nanoTime();
            docker.docker("run", "--rm", "--network", "none", IMAGE, "true").check();
            ms.add((System.nanoTime() - t0) / 1_000_000);
        }
        List<Long> sorted = ms.stream().sorted().toList();
        System.out.println("docker run --rm start-to-exit on " + label + ": median " + sorted.get(sorted.size() / 2)
                + " ms of " + ms);
    }
}
