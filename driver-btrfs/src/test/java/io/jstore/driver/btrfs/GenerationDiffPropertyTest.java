package io.jstore.driver.btrfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.Driver;
import io.jstore.layer.Change;
import io.jstore.layer.Layers;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The property the generation diff rests on: for random trees and random changes, its
 * changes and its tar are exactly the naive diff's ({@link io.jstore.layer.TreeDiff}).
 * {@code -Djstore.seed=N} replays one failing case.
 */
class GenerationDiffPropertyTest {
    private static final int CASES = Integer.getInteger("jstore.cases", 40);

    @Test
    void generationDiffEqualsNaiveDiff(@Scratch(type = FsType.BTRFS, sizeMiB = 1024) ScratchFilesystem fs) throws Exception {
        Long only = Long.getLong("jstore.seed");
        long first = only != null ? only : new Random().nextLong();
        try (Driver d = BtrfsTesting.open(fs.root().resolve("home"))) {
            for (int i = 0; i < (only != null ? 1 : CASES); i++) {
                long seed = first + i;
                check(d, fs.root().resolve("src" + i), seed);
            }
        }
    }

    private static void check(Driver d, Path src, long seed) throws Exception {
        Random rnd = new Random(seed);
        String why = "seed " + seed + " (rerun with -Djstore.seed=" + seed + ")";
        Files.createDirectory(src);
        RandomTrees.build(src, rnd);
        BtrfsTesting.imageLayer(d, "base", null, src);
        d.createReadWrite("ctr", "base", null);
        Path upper = d.get("ctr");
        Path lower = d.get("base");
        try {
            RandomTrees.mutate(upper, rnd, 1 + rnd.nextInt(rnd.nextBoolean() ? 5 : 40));

            List<Change> naive = Layers.changes(lower, upper);
            List<Change> generations = d.changes("ctr", "base");
            assertTrue(d.status().details().get("Last diff").startsWith("generations"), why + ": " + d.status().details());
            assertEquals(naive, generations, why);

            ByteArrayOutputStream naiveTar = new ByteArrayOutputStream();
            Layers.diff(lower, upper, naiveTar);
            assertArrayEquals(naiveTar.toByteArray(), BtrfsTesting.diff(d, "ctr", "base"), why + ": tar bytes");
            assertEquals(Layers.size(naive, upper), d.diffSize("ctr", "base"), why);
        } finally {
            d.put("base");
            d.put("ctr");
        }
        d.remove("ctr");
        d.remove("base");
        RandomTrees.deleteTree(src);
    }
}
