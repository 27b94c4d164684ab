package io.jstore.bench.suite;

import io.jstore.bench.Fixtures;
import io.jstore.bench.Reference;
import io.jstore.bench.Rootfs;
import io.jstore.bench.Subject;
import io.jstore.bench.Tools;
import io.jstore.driver.CreateOptions;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
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
 * Apply: unpacking a layer tar into a fresh layer, per driver, beside GNU {@code tar -x} of
 * the same file into a directory on the same kind of fixture. The tar sits on the fixture
 * and is read once before timing, so both read it from the page cache.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 8)
@Fork(1)
public class ApplyBench {
    static final long FIXTURE_BYTES = 4L << 30;

    @State(Scope.Benchmark)
    public abstract static class Shape {
        /**
         * smallfiles: 5,000 files of 4 KiB in 50 dirs; bigfiles: 4 files of 32 MiB; rootfs: the
         * Debian bookworm minbase tar of {@code scripts/rootfs.sh} (~175 MB, 6,680 entries).
         */
        @Param({"smallfiles", "bigfiles", "rootfs"})
        public String layer;

        @Param({"xfs"})
        public String fs;

        Path makeTar(BenchmarkParams bp, Path root) throws IOException {
            if (layer.equals("rootfs")) {
                Path tar = Files.copy(Rootfs.tar(bp), root.resolve("layer.tar"));
                Files.readAllBytes(tar);
                return tar;
            }
            Path tree = root.resolve("tree");
            if (layer.equals("smallfiles")) {
                Trees.smallFiles(tree, 5000, 4096);
            } else {
                for (int i = 0; i < 4; i++) Trees.file(tree.resolve("big" + i), 32L << 20);
            }
            Path tar = Trees.tar(tree, root.resolve("layer.tar"));
            Trees.delete(tree);
            Files.readAllBytes(tar);
            return tar;
        }
    }

    public static class IntoLayer extends Shape {
        @Param({"vfs"})
        public String driver;

        DriverFixture d;
        Path tar;
        int samples;
        String id;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            d = DriverFixture.open(bp, driver, fs, FIXTURE_BYTES);
            tar = makeTar(bp, d.scratch("input"));
        }

        @Setup(Level.Invocation)
        public void layer() throws IOException {
            id = "applied" + samples++;
            d.driver.create(id, null, CreateOptions.DEFAULT);
        }

        @TearDown(Level.Invocation)
        public void dropLayer() throws IOException {
            d.driver.remove(id);
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            if (d != null) d.close();
        }
    }

    public static class IntoDir extends Shape {
        ScratchFilesystem scratch;
        Path tar;
        Path target;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            scratch = Fixtures.make(bp, fs, FIXTURE_BYTES);
            tar = makeTar(bp, Files.createDirectories(scratch.root().resolve("input")));
            target = scratch.root().resolve("target");
        }

        @Setup(Level.Invocation)
        public void dir() throws IOException {
            Files.createDirectories(target);
        }

        @TearDown(Level.Invocation)
        public void dropDir() throws IOException {
            Trees.delete(target);
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            Fixtures.close(scratch);
        }
    }

    @Benchmark
    @Subject(question = "Apply: unpack a layer tar into a new layer",
            measures = "applyDiff of an uncompressed OCI layer tar into an empty image layer")
    public void apply(IntoLayer s) throws IOException {
        Trees.apply(s.d.driver, s.id, null, s.tar);
    }

    @Benchmark
    @Reference(of = "apply", label = "tar -x",
            value = "GNU tar -xf of the same tar into an empty directory on the same fixture",
            tools = {"tar"})
    public void applyReference(IntoDir s) throws IOException {
        Tools.check(List.of("tar", "--numeric-owner", "-xf", s.tar.toString(), "-C", s.target.toString()));
    }
}
