package io.jstore.bench.suite;

import io.jstore.bench.Fixtures;
import io.jstore.bench.Reference;
import io.jstore.bench.Subject;
import io.jstore.bench.Tools;
import io.jstore.driver.CreateOptions;
import io.jstore.layer.Layers;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * ({@code io.jstore.layer.TreeDiff}) of a tree of the same shape against its changed copy on
 * the same kind of fixture. A driver that knows what changed (btrfs generations, overlay's upper
 * directory) should cost a small fraction of the reference at 10 changes; one that compares
 * trees costs about the reference. The fixture is btrfs (a parameter of its own, so the
 * profiles' {@code fs} narrowing to xfs does not take the btrfs driver out).
 *
 * <p>The changes are made once, in the trial's setup; a diff changes nothing, so every call
 * diffs the same layer and each side runs as often as a second allows (average time, not
 * single shots: a single shot of a few-millisecond diff times the interpreter, while the
 * reference's 40,000 files warm its code within the one call). A driver that must first
 * commit the changes (btrfs: the tree search sees only what a transaction committed) pays
 * that in its first call only, as a diff made longer than the commit interval (30 s by
 * default) after the container's writes finds them committed anyway.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChangesDiffBench {
    static final long FIXTURE_BYTES = 2L << 30;
    static final int FILE_BYTES = 4096;

    @State(Scope.Benchmark)
    public abstract static class Shape {
        @Param({"20000"})
        public int files;

        @Param({"10", "1000"})
        public int changes;

        @Param({"btrfs"})
        public String fixture;
    }

    public static class Layered extends Shape {
        @Param({"btrfs"})
        public String driver;

        DriverFixture d;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
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

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            if (d != null) d.close();
        }
    }

    public static class Naive extends Shape {
        ScratchFilesystem scratch;
        Path lower;
        Path upper;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            scratch = Fixtures.make(bp, fixture, FIXTURE_BYTES);
            // the lower is unpacked from the same kind of tar the driver's parent is applied
            // from, so both diffs write the same entries (GNU tar keeps whole-second mtimes,
            // which need no PAX header in the diff; the tree as written has nanoseconds)
            Path tree = Trees.smallFiles(scratch.root().resolve("tree"), files, FILE_BYTES);
            Path tar = Trees.tar(tree, scratch.root().resolve("lower.tar"));
            lower = Files.createDirectories(scratch.root().resolve("lower"));
            Tools.check(List.of("tar", "--numeric-owner", "-C", lower.toString(), "-xf", tar.toString()));
            Trees.delete(tree);
            Files.delete(tar);
            upper = scratch.root().resolve("upper");
            Tools.check(List.of("cp", "-a", "--reflink=auto", lower.toString(), upper.toString()));
            change(upper, files, changes);
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            Fixtures.close(scratch);
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
            value = "the naive diff (TreeDiff: both trees walked, same tar writer) of the same shape on the same fixture")
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
