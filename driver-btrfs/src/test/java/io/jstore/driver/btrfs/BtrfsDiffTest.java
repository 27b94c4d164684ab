package io.jstore.driver.btrfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.Driver;
import io.jstore.layer.Change;
import io.jstore.layer.Layers;
import io.jstore.layer.testing.RootfsTrees;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BtrfsDiffTest {

    private static byte[] naiveTar(Path lower, Path upper) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Layers.diff(lower, upper, out);
        return out.toByteArray();
    }

    private static String lastDiff(Driver d) throws Exception {
        return d.status().details().get("Last diff");
    }

    @Test
    void everyKindOfRootfsChangeComesFromGenerations(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        Path src = Files.createDirectory(fs.root().resolve("src"));
        RootfsTrees.lower(src);
        try (Driver d = BtrfsTesting.open(fs.root().resolve("home"))) {
            BtrfsTesting.imageLayer(d, "base", null, src);
            d.createReadWrite("ctr", "base", null);
            Path upper = d.get("ctr");
            Path lower = d.get("base");
            try {
                RootfsTrees.change(upper);
                List<Change> naive = Layers.changes(lower, upper);
                assertEquals(naive, d.changes("ctr", null), "null: against the layer's own parent");
                assertTrue(lastDiff(d).startsWith("generations: ctr"), lastDiff(d));
                assertArrayEquals(naiveTar(lower, upper), BtrfsTesting.diff(d, "ctr", "base"));
                assertEquals(Layers.size(naive, upper), d.diffSize("ctr", "base"));
                assertEquals("none", d.status().details().get("Last naive fallback"));
            } finally {
                d.put("base");
                d.put("ctr");
            }
        }
    }

    @Test
    void otherParentsAndWritableParentsFallBackToTheNaiveDiffAndSaySo(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs)
            throws Exception {
        Path a = Files.createDirectory(fs.root().resolve("a"));
        Files.writeString(a.resolve("f"), "a");
        Path b = Files.createDirectory(fs.root().resolve("b"));
        Files.writeString(b.resolve("g"), "b");
        try (Driver d = BtrfsTesting.open(fs.root().resolve("home"))) {
            BtrfsTesting.imageLayer(d, "la", null, a);
            BtrfsTesting.imageLayer(d, "lb", null, b);
            d.createReadWrite("ctr", "la", null);
            Path ctr = d.get("ctr");
            Files.writeString(ctr.resolve("new"), "n");
            d.put("ctr");

            List<Change> against = d.changes("ctr", "lb");
            assertEquals(Layers.changes(d.get("lb"), d.get("ctr")), against);
            d.put("lb");
            d.put("ctr");
            String fallback = d.status().details().get("Last naive fallback");
            assertEquals("ctr is compared with lb, which it is no snapshot of", fallback);
            assertTrue(lastDiff(d).startsWith("naive: "), lastDiff(d));

            // a container layer's child: its parent may have changed after the snapshot
            d.createReadWrite("child", "ctr", null);
            Files.writeString(d.get("child").resolve("more"), "m");
            d.put("child");
            assertEquals(List.of(new Change(Change.Kind.ADDED, "/more")), d.changes("child", "ctr"));
            assertTrue(d.status().details().get("Last naive fallback").startsWith("parent ctr is writable"),
                    d.status().details().toString());

            assertEquals(List.of(new Change(Change.Kind.ADDED, "/new")), d.changes("ctr", "la"));
            assertTrue(lastDiff(d).startsWith("generations"), lastDiff(d));
        }
    }

    @Test
    void nestedSubvolumesFallBack(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        try (Driver d = BtrfsTesting.open(fs.root().resolve("home"))) {
            d.create("base", null, null);
            d.createReadWrite("ctr", "base", null);
            Path root = d.get("ctr");
            io.jstore.linux.Btrfs.createSubvolume(root.resolve("inner"));
            Files.writeString(root.resolve("inner/f"), "x");
            d.put("ctr");
            assertEquals(List.of(new Change(Change.Kind.ADDED, "/inner"), new Change(Change.Kind.ADDED, "/inner/f")),
                    d.changes("ctr", "base"));
            assertTrue(d.status().details().get("Last naive fallback").contains("nested subvolumes"),
                    d.status().details().toString());
            d.remove("ctr");
        }
    }
}
