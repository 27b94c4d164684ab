package io.jstore.bench.suite;

import io.jstore.bench.Fixtures;
import io.jstore.bench.Reference;
import io.jstore.bench.Subject;
import io.jstore.driver.CreateOptions;
import io.jstore.linux.Mounts;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Mount and unmount: {@code get} then {@code put} of a read-write layer on a chain of
 * {@code lowers} image layers (500 is the kernel's overlay stacking limit), beside the
 * cheapest mount there is, a bare bind {@code mount(2)} and {@code umount2} of a directory.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MountBench {
    static final long FIXTURE_BYTES = 2L << 30;

    @State(Scope.Benchmark)
    public abstract static class Shape {
        @Param({"1", "16", "64", "128", "500"})
        public int lowers;

        @Param({"xfs"})
        public String fs;
    }

    /** {@code lowers} image layers, each with one small file, and a read-write layer on top. */
    public static class Chain extends Shape {
        @Param({"vfs"})
        public String driver;

        DriverFixture d;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            d = DriverFixture.open(bp, driver, fs, FIXTURE_BYTES);
            String parent = null;
            for (int i = 0; i < lowers; i++) {
                String id = "l" + i;
                d.driver.create(id, parent, CreateOptions.DEFAULT);
                parent = id;
            }
            d.driver.createReadWrite("rw", parent, CreateOptions.DEFAULT);
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            if (d != null) d.close();
        }
    }

    public static class Bare extends Shape {
        ScratchFilesystem scratch;
        Path source;
        Path target;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            scratch = Fixtures.make(bp, fs, FIXTURE_BYTES);
            source = Files.createDirectories(scratch.root().resolve("source"));
            target = Files.createDirectories(scratch.root().resolve("target"));
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            Fixtures.close(scratch);
        }
    }

    @Benchmark
    @Subject(question = "Mount: get and put of a read-write layer on N lower layers",
            measures = "get(rw) (the first reference mounts) then put(rw) (the last one unmounts)")
    public Path mount(Chain s) throws IOException {
        Path root = s.d.driver.get("rw");
        s.d.driver.put("rw");
        return root;
    }

    @Benchmark
    @Reference(of = "mount", label = "bind mount(2)",
            value = "a bare mount(2) bind of a directory and umount2, whatever N", tools = {"kernel"})
    public void mountReference(Bare s) throws IOException {
        Mounts.bind(s.source, s.target, false, false);
        Mounts.unmount(s.target);
    }
}
