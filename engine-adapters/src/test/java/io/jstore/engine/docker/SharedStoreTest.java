package io.jstore.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.graph.Graph;
import io.jstore.graph.testing.ImageFixtures;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code jstore serve --docker-plugin} runs: the plugin over a store graph-db also uses.
 * Docker's layers are recorded by Docker, not graph-db, so they must live where graph-db's
 * repair (which removes driver layers it has no record of) never looks.
 */
class SharedStoreTest {
    @Test
    void graphRepairLeavesDockersLayersAlone(@Scratch(type = FsType.EXT4) ScratchFilesystem fs) throws Exception {
        Root.assumeRoot();
        Path store = fs.root().resolve("store");
        String id = "a".repeat(64);
        byte[] tar = ImageFixtures.layer(Files.createDirectories(fs.root().resolve("tars")), Map.of("etc/motd", "hi\n"));
        try (Graph graph = Graph.open(store, "vfs");
             DockerPluginServer server = DockerPluginServer.start(fs.root().resolve("plugin.sock"), graph);
             PluginClient c = new PluginClient(server.socket())) {
            assertEquals(store.resolve("docker/vfs"), server.driver().home());
            assertEquals(200, c.call("GraphDriver.Create", Map.of("ID", id)).status());
            assertEquals(200, c.sendChunked("GraphDriver.ApplyDiff?id=" + id, tar, 4096).status());

            var report = graph.fsck();
            assertTrue(report.fixed().isEmpty(), report.toString());
            assertTrue(graph.layers().isEmpty(), "Docker's layer is not graph-db's");
            assertTrue(c.call("GraphDriver.Exists", Map.of("ID", id)).json().path("Exists").asBoolean(),
                    "graph-db's repair kept Docker's layer");
            assertEquals(200, c.call("GraphDriver.Remove", Map.of("ID", id)).status());
        }
        try (Graph again = Graph.open(store, (String) null)) {
            assertEquals("vfs", again.driver().name(), "the store's driver is still the one it was made with");
        }
    }
}
