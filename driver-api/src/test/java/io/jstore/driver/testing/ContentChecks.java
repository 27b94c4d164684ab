package io.jstore.driver.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.DriverProvider;
import io.jstore.layer.ApplyOptions;
import io.jstore.layer.Change;
import io.jstore.layer.Layers;
import io.jstore.layer.TreeCopy;
import io.jstore.layer.testing.RootfsTrees;
import io.jstore.layer.testing.TreeSnapshot;
import io.jstore.layer.testing.TreeSnapshot.Ignore;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a driver must keep of layer content: stacks of every depth, whiteouts and opaque
 * directories, isolation between layers, and a diff family that agrees with itself. The
 * reference is the vfs way of doing it — a full copy of the parent with the layer applied.
 */
public abstract class ContentChecks extends ConformanceFixture {
    /** Depths of the 64-deep chain at which the whole tree is compared. */
    private static final Set<Integer> CHECKED_DEPTHS = Set.of(1, 2, 3, 4, 8, 16, 32, 64);

    protected ContentChecks(DriverProvider provider, ScratchFilesystem fs) {
        super(provider, fs);
    }

    /** Guards against lost entry kinds, metadata or hardlinks somewhere down a stack, and lower layers bleeding through. */
    @Test
    void chainsOf1To64LayersShowEveryLayerExactly() throws IOException {
        Path prev = null;
        for (int depth = 1; depth <= 64; depth++) {
            Path cur = scratchDir("chain-" + depth);
            if (prev == null) RootfsTrees.lower(cur);
            else {
                TreeCopy.copy(prev, cur);
                if (depth == 2) RootfsTrees.change(cur);
                else ChainTrees.mutate(cur, depth);
            }
            importLayer("c" + depth, depth == 1 ? null : "c" + (depth - 1), tarOf(prev, cur));
            if (CHECKED_DEPTHS.contains(depth)) {
                TreeSnapshot.of(cur).assertSame(snapshot("c" + depth), Ignore.ROOT);
            }
            if (prev != null) io.jstore.driver.support.Trees.delete(prev);
            prev = cur;
        }
    }

    /**
     * Guards against whiteouts or opaque markers that hide only one layer down, and against a
     * re-created directory showing older content: in each of 128 layers {@code /d} is deleted
     * (a whiteout in odd layers, an opaque marker in even ones) and made again, and {@code /f}
     * overwritten.
     */
    @Test
    void aDirectoryWhitedOutAndRecreatedInEveryLayerOf128ShowsOnlyItsNewestContent() throws IOException {
        for (int i = 0; i < 128; i++) {
            TestTars t = new TestTars();
            if (i == 0) t.file("keep", "from the base");
            if (i % 2 == 1) t.whiteout("d");
            t.dir("d");
            if (i > 0 && i % 2 == 0) t.opaque("d");
            t.file("d/file-" + i, "in layer " + i).dir("d/sub").file("d/sub/x-" + i, "x" + i).file("f", "f=" + i);
            if (i > 0) t.whiteout("g-" + (i - 1));
            t.file("g-" + i, "g");
            importLayer("w" + i, i == 0 ? null : "w" + (i - 1), t.bytes());
        }
        for (int i : new int[] {0, 1, 2, 63, 64, 127}) {
            Path root = driver.get("w" + i);
            try {
                assertEquals(List.of("file-" + i, "sub"), names(root.resolve("d")), "layer " + i);
                assertEquals(List.of("x-" + i), names(root.resolve("d/sub")), "layer " + i);
                assertEquals("f=" + i, Files.readString(root.resolve("f")), "layer " + i);
                assertEquals("from the base", Files.readString(root.resolve("keep")), "layer " + i);
                assertEquals(List.of("d", "f", "g-" + i, "keep"), names(root), "layer " + i);
            } finally {
                driver.put("w" + i);
            }
        }
    }

    /** Guards against copy-on-write that writes through: to the parent, to a sibling, or to a hardlinked lower inode. */
    @Test
    void writesInAReadWriteLayerNeverReachItsParentOrSiblings() throws IOException {
        Path base = scratchDir("base");
        RootfsTrees.lower(base);
        importLayer("base", null, tarOf(null, base));
        TreeSnapshot before = snapshot("base");
        driver.createReadWrite("c1", "base", CreateOptions.DEFAULT);
        driver.createReadWrite("c2", "base", CreateOptions.DEFAULT);
        TreeSnapshot c2Before = snapshot("c2");
        Path r1 = driver.get("c1");
        try {
            RootfsTrees.change(r1);
            Files.writeString(r1.resolve("usr/lib/liba.so"), " written in c1", java.nio.file.StandardOpenOption.APPEND);
            Files.writeString(r1.resolve("etc/shadow"), "changed in c1");
        } finally {
            driver.put("c1");
        }
        before.assertSame(snapshot("base"));
        c2Before.assertSame(snapshot("c2"));
        driver.createReadWrite("c3", "base", CreateOptions.DEFAULT);
        before.assertSame(snapshot("c3"), Ignore.ROOT);
        Path r2 = driver.get("c2");
        try {
            Files.writeString(r2.resolve("etc/only-c2"), "c2");
            Files.delete(r2.resolve("etc/passwd"));
        } finally {
            driver.put("c2");
        }
        before.assertSame(snapshot("base"));
        Path r1again = driver.get("c1");
        try {
            assertFalse(Files.exists(r1again.resolve("etc/only-c2")));
            assertTrue(Files.exists(r1again.resolve("etc/passwd")));
            assertEquals("changed in c1", Files.readString(r1again.resolve("etc/shadow")));
        } finally {
            driver.put("c1");
        }
    }

    /** Guards against a diff that loses a change kind, or an apply that reads it differently than the diff wrote it. */
    @Test
    void diffOfALayerAppliedOntoItsParentReproducesIt() throws IOException {
        String parent = changedLayer();
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        driver.diff("c", null, tar);
        TreeSnapshot expected = snapshot("c");
        // the reference: a full copy of the parent with the layer applied (what vfs does)
        Path reference = copyOf(parent, "reference");
        Layers.apply(new ByteArrayInputStream(tar.toByteArray()), reference, ApplyOptions.DEFAULT);
        expected.assertSame(TreeSnapshot.of(reference), Ignore.ROOT);
        // and the driver itself, applying its own diff onto a new child of the parent
        importLayer("n", parent, tar.toByteArray());
        expected.assertSame(snapshot("n"), Ignore.ROOT);
        assertEquals(List.of(), driver.changes("n", "c"), "the re-applied layer differs from the original");
    }

    /** Guards against changes() and diffSize() computed by another path than diff() and telling another story. */
    @Test
    void changesAndDiffSizeAgreeWithTheDiff() throws IOException {
        changedLayer();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        driver.diff("c", null, out);
        DiffTar tar = DiffTar.read(out.toByteArray());
        List<Change> changes = driver.changes("c", null);
        TreeSet<String> changed = new TreeSet<>();
        TreeSet<String> deleted = new TreeSet<>();
        for (Change c : changes) (c.kind() == Change.Kind.DELETED ? deleted : changed).add(c.path());
        assertEquals(tar.whiteouts(), deleted, "deletions: changes() vs the diff's whiteouts");
        assertEquals(tar.entries(), changed, "additions and modifications: changes() vs the diff's entries");
        Path root = driver.get("c");
        try {
            assertEquals(tar.fileBytes(root), driver.diffSize("c", null), "diffSize vs the file data of the diff");
        } finally {
            driver.put("c");
        }
        assertTrue(driver.diffSize("c", null) >= 32 << 20, "the new sparse file's apparent size counts");
    }

    /**
     * Guards against mount specs only the driver itself can perform (relative paths, a cwd it
     * set, state it keeps in memory): performed at another root, they show the layer, and
     * what is written through them lands in the layer.
     */
    @Test
    void mountSpecsPerformedElsewhereShowTheLayerAndWriteIntoIt() throws IOException {
        Path base = scratchDir("base");
        RootfsTrees.lower(base);
        importLayer("base", null, tarOf(null, base));
        driver.createReadWrite("c", "base", CreateOptions.DEFAULT);
        Path r = driver.get("c");
        try {
            Files.writeString(r.resolve("etc/in-c"), "c");
        } finally {
            driver.put("c");
        }
        TreeSnapshot expected = snapshot("c");
        Path target = scratchDir("spec-root");
        try (SpecMounts m = new SpecMounts(driver.mounts("c"), target)) {
            expected.assertSame(TreeSnapshot.of(target));
            Files.writeString(target.resolve("etc/through-spec"), "s");
        }
        Path again = driver.get("c");
        try {
            assertEquals("s", Files.readString(again.resolve("etc/through-spec")));
        } finally {
            driver.put("c");
        }
        Path b = driver.get("base");
        try {
            assertFalse(Files.exists(b.resolve("etc/through-spec")), "a write through the specs reached the parent");
        } finally {
            driver.put("base");
        }
    }

    /** A base layer with {@link RootfsTrees#lower} and a read-write child {@code c} changed by {@link RootfsTrees#change}. */
    private String changedLayer() throws IOException {
        Path base = scratchDir("base");
        RootfsTrees.lower(base);
        importLayer("base", null, tarOf(null, base));
        driver.createReadWrite("c", "base", CreateOptions.DEFAULT);
        Path root = driver.get("c");
        try {
            RootfsTrees.change(root);
        } finally {
            driver.put("c");
        }
        return "base";
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
