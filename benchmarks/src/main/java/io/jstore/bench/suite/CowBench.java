package io.jstore.bench.suite;

import io.jstore.bench.Fixtures;
import io.jstore.bench.Reference;
import io.jstore.bench.Skips;
import io.jstore.bench.Subject;
import io.jstore.driver.CreateOptions;
import io.jstore.linux.FileClone;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Copy-on-write: the first write into a lower file through a fresh read-write layer, where
 * overlay copies the whole file up (by clone on xfs reflink, by copy on ext4), btrfs and
 * devmapper share extents or blocks, and vfs has copied everything at create already. Each
 * sample is a new layer (made and removed outside the timing). Overlay and devmapper also run
 * it on an ephemeral layer (overlay's {@code volatile}, ext4 without journal or flushes).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Fork(1)
public class CowBench {
    static final String FILE = "data/lower.bin";

    @State(Scope.Benchmark)
    public abstract static class Shape {
        @Param({"1MiB", "64MiB", "1GiB"})
        public String size;

        @Param({"1B", "4KiB"})
        public String write;

        @Param({"none", "fsync"})
        public String sync;

        @Param({"xfs"})
        public String fs;

        long fixtureBytes() {
            return 3 * Trees.bytes(size) + (1L << 30);
        }

        void firstWrite(Path file) throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate((int) Trees.bytes(write)), 0);
                if (sync.equals("fsync")) ch.force(false);
            }
        }
    }

    /** An image layer holding the file, and per sample a read-write layer on it, mounted. */
    public static class Layered extends Shape {
        @Param({"vfs"})
        public String driver;

        /** plain, or ephemeral: a layer thrown away at its end, mounted without syncs (overlay's volatile). */
        @Param({"plain", "ephemeral"})
        public String variant;

        DriverFixture d;
        CreateOptions options;
        int samples;
        String rw;
        Path target;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            if (variant.equals("ephemeral") && !driver.equals("overlay") && !driver.equals("devmapper")) {
                throw Skips.skip(bp, driver + " mounts an ephemeral layer as any other");
            }
            options = variant.equals("ephemeral") ? CreateOptions.EPHEMERAL : CreateOptions.DEFAULT;
            d = DriverFixture.open(bp, driver, fs, fixtureBytes());
            Path tree = d.scratch("tree");
            Trees.file(tree.resolve(FILE), Trees.bytes(size));
            Path tar = Trees.tar(tree, d.fs.root().resolve("lower.tar"));
            d.driver.create("base", null, CreateOptions.DEFAULT);
            Trees.apply(d.driver, "base", null, tar);
            Trees.delete(tree);
            Files.delete(tar);
        }

        @Setup(Level.Invocation)
        public void layer() throws IOException {
            rw = "rw" + samples++;
            d.driver.createReadWrite(rw, "base", options);
            target = d.driver.get(rw).resolve(FILE);
        }

        @TearDown(Level.Invocation)
        public void dropLayer() throws IOException {
            d.driver.put(rw);
            d.driver.remove(rw);
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            if (d != null) d.close();
        }
    }

    /** The same file on the same kind of fixture, copied by cp per sample. */
    public static class Copied extends Shape {
        ScratchFilesystem scratch;
        Path lower;
        Path copy;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            scratch = Fixtures.make(bp, fs, fixtureBytes());
            lower = Trees.file(scratch.root().resolve(FILE), Trees.bytes(size));
            copy = scratch.root().resolve("copy.bin");
        }

        @TearDown(Level.Invocation)
        public void dropCopy() throws IOException {
            Files.deleteIfExists(copy);
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            Fixtures.close(scratch);
        }
    }

    @Benchmark
    @Subject(question = "Copy-on-write: first write into a lower file through a read-write layer",
            measures = "open the file in a fresh read-write layer's mounted view, pwrite at offset 0, (fsync), close")
    public void firstWrite(Layered s) throws IOException {
        s.firstWrite(s.target);
    }

    // In-process, as cp --reflink=auto does it: starting a cp process costs a few noisy
    // milliseconds here, more than the copy-up of a small file.
    @Benchmark
    @Reference(of = "firstWrite", label = "FICLONE/copy_file_range",
            value = "a copy of the same file on the same fixture as cp --reflink=auto makes it (FICLONE, else "
                    + "copy_file_range), in-process, then the same write into the copy", tools = {"kernel"})
    public void firstWriteReference(Copied s) throws IOException {
        FileClone.copy(s.lower, s.copy, 0644);
        s.firstWrite(s.copy);
    }
}
