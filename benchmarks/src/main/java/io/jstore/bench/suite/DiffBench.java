package io.jstore.bench.suite;

import io.jstore.bench.Fixtures;
import io.jstore.bench.Reference;
import io.jstore.bench.Rootfs;
import io.jstore.bench.Subject;
import io.jstore.bench.Tools;
import io.jstore.driver.CreateOptions;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.FileOutputStream;
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

/**
 * Diff: a layer's changes against its parent written as a tar file on the fixture, per driver
 * (overlay and btrfs from what the kernel tracked, the rest by the naive diff), beside GNU
 * {@code tar -c} of a directory holding just those files. For the made-up layers the parent
 * holds 2,000 files the diff must not emit; the Debian rootfs is diffed against an empty parent.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 8)
@Fork(1)
public class DiffBench {
    static final long FIXTURE_BYTES = 4L << 30;

    @State(Scope.Benchmark)
    public abstract static class Shape {
        /**
         * smallfiles: 5,000 files of 4 KiB in 50 dirs; bigfiles: 4 files of 32 MiB; rootfs: the
         * Debian bookworm minbase of {@code scripts/rootfs.sh} (~175 MB, 6,680 entries).
         */
        @Param({"smallfiles", "bigfiles", "rootfs"})
        public String layer;

        @Param({"xfs"})
        public String fs;

        Path makeTree(BenchmarkParams bp, Path tree) throws IOException {
            if (layer.equals("rootfs")) {
                Files.createDirectories(tree);
                Tools.check(List.of("tar", "--numeric-owner", "--xattrs", "--xattrs-include=*",
                        "-xf", Rootfs.tar(bp).toString(), "-C", tree.toString()));
                return tree;
            }
            if (layer.equals("smallfiles")) return Trees.smallFiles(tree, 5000, 4096);
            for (int i = 0; i < 4; i++) Trees.file(tree.resolve("big" + i), 32L << 20);
            return tree;
        }
    }

    public static class Layered extends Shape {
        @Param({"vfs"})
        public String driver;

        DriverFixture d;
        Path out;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            d = DriverFixture.open(bp, driver, fs, FIXTURE_BYTES);
            Path input = d.scratch("input");
            d.driver.create("base", null, CreateOptions.DEFAULT);
            Path top;
            if (layer.equals("rootfs")) {
                top = Rootfs.tar(bp);
            } else {
                Path base = Trees.tar(Trees.smallFiles(input.resolve("base"), 2000, 4096), input.resolve("base.tar"));
                Trees.apply(d.driver, "base", null, base);
                top = Trees.tar(makeTree(bp, input.resolve("top").resolve("new")), input.resolve("top.tar"));
            }
            d.driver.create("top", "base", CreateOptions.DEFAULT);
            Trees.apply(d.driver, "top", "base", top);
            Trees.delete(input);
            out = d.fs.root().resolve("diff.tar");
        }

        @TearDown(Level.Invocation)
        public void dropOutput() throws IOException {
            Files.deleteIfExists(out);
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            if (d != null) d.close();
        }
    }

    public static class Dir extends Shape {
        ScratchFilesystem scratch;
        Path tree;
        Path out;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            scratch = Fixtures.make(bp, fs, FIXTURE_BYTES);
            Path top = scratch.root().resolve("top");
            tree = layer.equals("rootfs") ? makeTree(bp, top) : makeTree(bp, top.resolve("new")).getParent();
            out = scratch.root().resolve("diff.tar");
        }

        @TearDown(Level.Invocation)
        public void dropOutput() throws IOException {
            Files.deleteIfExists(out);
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            Fixtures.close(scratch);
        }
    }

    @Benchmark
    @Subject(question = "Diff: write a layer's changes as a tar",
            measures = "diff(top, base) of a layer holding the new files, into a tar file on the fixture")
    public void diff(Layered s) throws IOException {
        try (OutputStream o = new FileOutputStream(s.out.toFile())) {
            s.d.driver.diff("top", "base", o);
        }
    }

    @Benchmark
    @Reference(of = "diff", label = "tar -c",
            value = "GNU tar -cf of a directory holding only the new files, on the same fixture",
            tools = {"tar"})
    public void diffReference(Dir s) throws IOException {
        Tools.check(List.of("tar", "--numeric-owner", "-C", s.tree.toString(), "-cf", s.out.toString(), "."));
    }
}
