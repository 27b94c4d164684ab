package io.jstore.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitLayerTest {
    @Test
    void createsOnlyWhatTheImageLacks(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 image\n");
        Files.createSymbolicLink(root.resolve("proc"), Path.of("elsewhere"));
        InitLayer.populate(root);
        assertEquals("127.0.0.1 image\n", Files.readString(root.resolve("etc/hosts")), "the image's own file is kept");
        assertTrue(Files.isSymbolicLink(root.resolve("proc")), "the image's symlink is kept");
        assertTrue(Files.isDirectory(root.resolve("sys"), LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isRegularFile(root.resolve("etc/resolv.conf"), LinkOption.NOFOLLOW_LINKS));
    }

    /** An image's /etc may be a symlink to anywhere: nothing is created through it. */
    @Test
    void writesNothingThroughASymlinkedEtc(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path outside = Files.createDirectories(dir.resolve("host-etc"));
        Files.createSymbolicLink(root.resolve("etc"), outside);
        InitLayer.populate(root);
        try (var s = Files.list(outside)) {
            assertEquals(List.of(), s.toList());
        }
        assertTrue(Files.isDirectory(root.resolve("dev"), LinkOption.NOFOLLOW_LINKS));
    }
}
