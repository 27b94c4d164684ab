package io.jstore.graph;

import io.jstore.graph.testing.TestDriver;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jstore.graph.testing.ImageFixtures;
import io.jstore.layer.Compression;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Concurrent imports from several processes into one store lose nothing and share what they share. */
class GraphProcessesTest {
    @Test
    void concurrentImportsOfImagesSharingABase(@Scratch(type = FsType.XFS, sizeMiB = 512) ScratchFilesystem fs) throws Exception {
        Path trees = fs.root().resolve("trees");
        byte[] base = ImageFixtures.layer(trees, Map.of("bin/sh", "sh"));
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            images.add(ImageFixtures.ociLayout(Files.createDirectories(fs.root().resolve("img" + i)), "img:" + i,
                    Compression.GZIP, List.of(base, ImageFixtures.layer(trees, Map.of("own" + i, "" + i)))));
        }
        Path root = fs.root().resolve("store");
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (Path img : images) children.add(ChildJvm.start(GraphChild.class, "import", root.toString(), img.toString()));
            for (ChildJvm c : children) assertEquals(0, c.waitFor(), "import in process " + c.pid());
        } finally {
            for (ChildJvm c : children) c.close();
        }
        try (Graph g = Graph.open(root, TestDriver.NAME)) {
            assertEquals(4, g.images().size());
            assertEquals(5, g.layers().size(), "the shared base once, four tops");
            assertEquals(4, g.children(Digests.of(base)).size());
            GraphTest.assertConsistent(g);
        }
    }
}
