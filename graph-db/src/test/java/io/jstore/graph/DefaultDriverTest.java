package io.jstore.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.Drivers;
import io.jstore.driver.Probe;
import io.jstore.linux.Mounts;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With no --driver, a new store takes the best driver whose probe accepts its root (overlay, else vfs) and keeps it. */
class DefaultDriverTest {
    @Test
    void onXfsANewStoreTakesOverlay(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Root.assumeRoot();
        Path store = fs.root().resolve("store");
        try (Graph g = Graph.open(store, (String) null)) {
            assertEquals("overlay", g.driver().name());
        }
    }

    @Test
    void onAnOverlayMountWhereOverlayCannotRunANewStoreTakesVfsAndKeepsIt(@Scratch(type = FsType.XFS) ScratchFilesystem fs)
            throws Exception {
        Root.assumeRoot();
        Path w = fs.root();
        for (String d : List.of("lower", "upper", "work", "merged")) Files.createDirectories(w.resolve(d));
        Path merged = w.resolve("merged");
        Mounts.mount("overlay", merged, "overlay",
                List.of("lowerdir=" + w.resolve("lower"), "upperdir=" + w.resolve("upper"), "workdir=" + w.resolve("work")));
        try {
            Path store = merged.resolve("store");
            Probe overlay = Drivers.find("overlay").orElseThrow().probe(store.resolve("overlay"));
            assertFalse(overlay.supported(), "overlay accepted a home on an overlay mount");
            assertTrue(overlay.reason().contains("overlay"), overlay.reason());
            try (Graph g = Graph.open(store, (String) null)) {
                assertEquals("vfs", g.driver().name());
            }
            try (Graph g = Graph.open(store, (String) null)) {
                assertEquals("vfs", g.driver().name(), "a reopened store keeps the driver it was made with");
            }
        } finally {
            Mounts.unmount(merged);
        }
    }
}
