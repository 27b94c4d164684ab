package io.jstore.bench.suite;

import io.jstore.bench.Reference;
import io.jstore.bench.Subject;
import io.jstore.driver.CreateOptions;
import io.jstore.layer.Layers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Diff of a few changes in a big layer: a container layer on a parent of {@code files} files
 * of 4 KiB with {@code changes} of them changed (a tenth deleted, a tenth given a new sibling,
 * the rest rewritten), its diff written to a sink, beside the naive diff
 * ({@code io.jstore.layer.TreeDiff}, both trees walked, the same tar writer) of the very same
 * two trees: a parent and child made the same way, by the btrfs driver on the same kind of
 * fixture, diffed as any driver without change tracking would. A driver that knows what
 * changed (btrfs generations, overlay's upper directory) should cost a small fraction of the
 * reference at 10 changes; one that compares trees costs about the reference. The fixture is
 * btrfs (a parameter of its own, so the profiles' {@code fs} narrowing to xfs does not take
 * the btrfs driver out).
 *
 * <p>The changes are made once, in the trial's setup; a diff changes nothing, so every call
 * diffs the same layer and each side runs as often as an iteration allows (average time over
 * many short iterations in three JVMs, so the error is small beside the score on a shared
 * machine: single shots of a few-millisecond diff time the interpreter and the neighbours).
 * A driver that must first commit the changes (btrfs: the tree search sees only what a
 * transaction committed) pays that in its first call only, as a diff made longer than the
 * commit interval (30 s by default) after the container's writes finds them committed anyway.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 250, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 40, time = 250, timeUnit = TimeUnit.MILLISECONDS)
@Fork(3)
public class ChangesDiffBench {
    static final long FIXTURE_BYTES = 2L << 30;
    static final int FILE_BYTES = 4096;
    /** The driver that makes the reference's trees: the suite's fixture is btrfs. */
    static final String REFERENCE_TREES = "btrfs";

    @State(Scope.Benchmark)
    public abstract static class Shape {
        @Param({"20000"})
        public int files;

        @Param({"10", "1000"})
        public int changes;

        @Param({"btrfs"})
        public String fixture;

        DriverFixture d;
        private final List<String> held = new ArrayList<>();

        /** Opens {@code driver} on a fresh fixture with image layer {@code base} of the files and layer {@code top} on it, changed. */
        void layers(BenchmarkParams bp, String driver) throws IOException {
            d = DriverFixture.open(bp, driver, fixture, FIXTURE_BYTES);
            Path tree = Trees.smallFiles(d.scratch("tree"), files, FILE_BYTES);
            Path tar = Trees.tar(tree, d.fs.root().resolve("base.tar"));
            d.driver.create("base", null, CreateOptions.DEFAULT);
            Trees.apply(d.driver, "base", null, tar);
            Trees.delete(tree);
            Files.delete(tar);
            d.driver.createReadWrite("top", "base", CreateOptions.DEFAULT);
            Path root = d.driver.get("top");
            try {
                change(root, files, changes);
            } finally {
                d.driver.put("top");
            }
        }

        /** A reference on layer {@code id} for the rest of the trial. */
        Path hold(String id) throws IOException {
            Path p = d.driver.get(id);
            held.add(id);
            return p;
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            if (d == null) return;
            try {
                for (String id : held) d.driver.put(id);
            } finally {
                d.close();
            }
        }
    }

    public static class Layered extends Shape {
        @Param({"btrfs"})
        public String driver;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            layers(bp, driver);
        }
    }

    /** The same two layers, held (got) for the whole trial so the timing holds the walk alone. */
    public static class Naive extends Shape {
        Path lower;
        Path upper;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            layers(bp, REFERENCE_TREES);
            lower = hold("base");
            upper = hold("top");
        }
    }

    /**
     * Changes {@code count} of the {@code files} files of {@link Trees#smallFiles} spread evenly
     * over the tree, the same ones for every driver and the reference. Found by name, not by
     * walking the tree: a walk reads every directory, and reading is a change of its own to a
     * filesystem mounted relatime (the atime), which this question leaves out.
     */
    static void change(Path root, int files, int count) throws IOException {
        int n = Math.min(count, files);
        for (int i = 0; i < n; i++) {
            int k = (int) ((long) i * files / n);
            Path f = root.resolve(String.format("d%03d", k / 100)).resolve(String.format("f%05d", k));
            switch (i % 10) {
                case 0 -> Files.delete(f);
                case 1 -> Trees.file(f.resolveSibling(f.getFileName() + ".new"), FILE_BYTES);
                default -> Trees.file(f, FILE_BYTES + 1);
            }
        }
    }

    @Benchmark
    @Subject(question = "Diff of a few changes in a big layer",
            measures = "diff(top, base) of a container layer with `changes` files changed on a parent of `files` files of 4 KiB, tar into a sink")
    public void diff(Layered s, Blackhole bh) throws IOException {
        Sink sink = new Sink();
        s.d.driver.diff("top", "base", sink);
        bh.consume(sink.bytes);
    }

    @Benchmark
    @Reference(of = "diff", label = "naive diff",
            value = "the naive diff (TreeDiff: both trees walked, same tar writer) of the same parent and child, made by the btrfs driver on the same fixture")
    public void diffReference(Naive s, Blackhole bh) throws IOException {
        Sink sink = new Sink();
        Layers.diff(s.lower, s.upper, sink);
        bh.consume(sink.bytes);
    }

    /** Counts the tar's bytes instead of storing them: the question is what finding the changes costs. */
    static final class Sink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
