package io.jstore.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jstore.driver.DriverException;
import io.jstore.driver.Drivers;
import io.jstore.linux.MountInfo;
import io.jstore.graph.testing.ImageFixtures;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The plugin protocol over a real unix socket, on vfs and overlay over a scratch ext4: Docker's calls in Docker's order. */
class GraphDriverPluginTest {
    private static final String BASE = "b".repeat(64), TOP = "c".repeat(64), INIT = "d".repeat(64) + "-init",
            MOUNT = "d".repeat(64);

    @BeforeEach
    void root() {
        Root.assumeRoot();
    }

    private static DockerPluginServer server(ScratchFilesystem fs, String driver) throws Exception {
        return DockerPluginServer.start(fs.root().resolve("plugin/jstore.sock"),
                Drivers.open(driver, fs.root().resolve(driver), Map.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vfs", "overlay"})
    void imageThenContainerThenCommit(String driverName, @Scratch(type = FsType.EXT4) ScratchFilesystem fs)
            throws Exception {
        Path scratch = Files.createDirectories(fs.root().resolve("tars"));
        byte[] base = ImageFixtures.layer(scratch.resolve("1"), Map.of("etc/hostname", "base\n", "etc/old", "gone\n"));
        byte[] top = ImageFixtures.layer(scratch.resolve("2"), Map.of("etc/motd", "hello\n"), List.of("etc/old"));
        try (DockerPluginServer server = server(fs, driverName); PluginClient c = new PluginClient(server.socket())) {
            assertEquals("GraphDriver", c.call("Plugin.Activate", Map.of()).json().path("Implements").path(0).asText());
            assertEquals(200, c.call("GraphDriver.Init", Map.of("Home", "/var/lib/docker/jstore", "Opts", List.of())).status());
            assertFalse(c.call("GraphDriver.Capabilities", Map.of()).json().path("Capabilities")
                    .path("ReproducesExactDiffs").asBoolean(true));

            // docker load: Create, then the layer's tar as the body (chunked, small chunks to cross boundaries)
            ok(c.call("GraphDriver.Create", Map.of("ID", BASE)));
            PluginClient.Response applied = c.sendChunked("GraphDriver.ApplyDiff?id=" + BASE + "&parent=", base, 777);
            assertEquals(200, applied.status(), new String(applied.body()));
            assertTrue(applied.json().path("Size").asLong() > 0);
            ok(c.call("GraphDriver.Create", Map.of("ID", TOP, "Parent", BASE)));
            ok(c.sendChunked("GraphDriver.ApplyDiff?id=" + TOP + "&parent=" + BASE, top, 1 << 16));
            assertTrue(c.call("GraphDriver.Exists", Map.of("ID", TOP)).json().path("Exists").asBoolean());
            assertFalse(c.call("GraphDriver.Exists", Map.of("ID", "e".repeat(64))).json().path("Exists").asBoolean());

            // docker run: the init layer, then the container's layer on it
            ok(c.call("GraphDriver.CreateReadWrite", Map.of("ID", INIT, "Parent", TOP, "MountLabel", "")));
            ok(c.call("GraphDriver.CreateReadWrite", Map.of("ID", MOUNT, "Parent", INIT)));
            PluginClient.Response got = c.call("GraphDriver.Get", Map.of("ID", MOUNT));
            Path dir = Path.of(got.json().path("Dir").asText());
            boolean mounts = !driverName.equals("vfs"); // vfs hands out its directory as it is
            assertEquals(mounts, MountInfo.isMountPoint(dir), dir + " mounted");
            assertEquals("hello\n", Files.readString(dir.resolve("etc/motd")));
            assertEquals("base\n", Files.readString(dir.resolve("etc/hostname")));
            assertFalse(Files.exists(dir.resolve("etc/old")), "the top layer's whiteout hides etc/old");
            Files.writeString(dir.resolve("etc/new"), "written by the container\n");
            Files.delete(dir.resolve("etc/hostname"));
            assertThrows(DriverException.class, () -> server.driver().put(MOUNT),
                    "Docker's reference is the store's, not this process's: it survives a restart of jstore serve");
            ok(c.call("GraphDriver.Put", Map.of("ID", MOUNT)));
            assertFalse(MountInfo.isMountPoint(dir), "the last Put unmounts");
            assertEquals("written by the container\n", Files.readString(
                    Path.of(c.call("GraphDriver.Get", Map.of("ID", MOUNT)).json().path("Dir").asText()).resolve("etc/new")));
            ok(c.call("GraphDriver.Put", Map.of("ID", MOUNT)));

            // docker diff
            JsonNode changes = c.call("GraphDriver.Changes", Map.of("ID", MOUNT, "Parent", INIT)).json().path("Changes");
            List<String> seen = new ArrayList<>();
            changes.forEach(ch -> seen.add(ch.path("Kind").asInt() + " " + ch.path("Path").asText()));
            assertTrue(seen.contains("1 /etc/new"), seen.toString());
            assertTrue(seen.contains("2 /etc/hostname"), seen.toString());
            assertTrue(seen.contains("0 /etc"), seen.toString());

            // docker commit: Diff streams the tar back, chunked
            PluginClient.Response diff = c.call("GraphDriver.Diff", Map.of("ID", MOUNT, "Parent", INIT));
            assertEquals(200, diff.status());
            assertEquals("chunked", diff.headers().get("transfer-encoding"));
            List<String> names = new ArrayList<>();
            try (TarArchiveInputStream r = new TarArchiveInputStream(new ByteArrayInputStream(diff.body()))) {
                for (var e = r.getNextEntry(); e != null; e = r.getNextEntry()) names.add(e.getName());
            }
            assertTrue(names.stream().anyMatch(n -> n.endsWith("etc/new")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.endsWith("etc/.wh.hostname")), names.toString());
            assertTrue(c.call("GraphDriver.DiffSize", Map.of("ID", MOUNT, "Parent", INIT)).json().path("Size").asLong() > 0);

            JsonNode status = c.call("GraphDriver.Status", Map.of()).json().path("Status");
            assertEquals(List.of("jstore driver", driverName), List.of(status.path(0).path(0).asText(), status.path(0).path(1).asText()));
            assertEquals(TOP, c.call("GraphDriver.GetMetadata", Map.of("ID", INIT)).json().path("Metadata").path("parent").asText());

            // docker rm, then rmi
            for (String id : List.of(MOUNT, INIT, TOP, BASE)) ok(c.call("GraphDriver.Remove", Map.of("ID", id)));
            assertFalse(c.call("GraphDriver.Exists", Map.of("ID", BASE)).json().path("Exists").asBoolean());
            ok(c.call("GraphDriver.Remove", Map.of("ID", BASE)));
        }
        assertFalse(Files.exists(fs.root().resolve("plugin/jstore.sock")), "closing removes the socket");
    }

    @Test
    void failuresReachDockerAsErrWithJstoresReason(@Scratch(type = FsType.EXT4) ScratchFilesystem fs) throws Exception {
        try (DockerPluginServer server = server(fs, "vfs"); PluginClient c = new PluginClient(server.socket())) {
            PluginClient.Response orphan = c.call("GraphDriver.Create", Map.of("ID", TOP, "Parent", BASE));
            assertEquals(500, orphan.status());
            assertTrue(orphan.err().contains(BASE), orphan.err());
            PluginClient.Response diff = c.call("GraphDriver.Diff", Map.of("ID", TOP));
            assertEquals(500, diff.status(), "an error before the stream is a status, not a tar");
            assertTrue(diff.err().contains("does not exist"), diff.err());
            PluginClient.Response badId = c.call("GraphDriver.Create", Map.of("ID", "../escape"));
            assertTrue(badId.err().contains("invalid layer id"), badId.err());
            PluginClient.Response opts = c.call("GraphDriver.Init", Map.of("Home", "/x", "Opts", List.of("jstore.foo=1")));
            assertTrue(opts.err().contains("jstore.foo=1"), opts.err());
            ok(c.call("GraphDriver.Create", Map.of("ID", BASE)));
            byte[] notTar = new byte[1500];
            java.util.Arrays.fill(notTar, (byte) 'x');
            PluginClient.Response badTar = c.sendChunked("GraphDriver.ApplyDiff?id=" + BASE, notTar, 100);
            assertEquals(500, badTar.status());
            assertFalse(badTar.err().isEmpty());
            assertEquals(404, c.call("GraphDriver.Frobnicate", Map.of()).status(), "unknown calls are 404: Docker's IsNotFound");
            assertEquals(405, c.raw("GET /Plugin.Activate").status());
            // the connection survived every failure above
            assertEquals("GraphDriver", c.call("Plugin.Activate", Map.of()).json().path("Implements").path(0).asText());
        }
    }

    private static void ok(PluginClient.Response r) throws Exception {
        assertEquals(200, r.status(), new String(r.body()));
        assertEquals("", r.err());
    }
}
