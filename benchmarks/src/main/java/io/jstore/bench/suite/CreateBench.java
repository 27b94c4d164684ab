package io.jstore.bench.suite;

import io.jstore.bench.Fixtures;
import io.jstore.bench.Peer;
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
 * Layer create: an empty child of a parent holding 100 or 20,000 files of 4 KiB, or a real
 * Debian rootfs ({@link Rootfs}). Snapshotting drivers should cost the same whatever the parent
 * holds; vfs copies the parent and is expected to grow with it, like its reference, a full copy.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Fork(1)
public class CreateBench {
    static final int FILE_BYTES = 4096;
    static final long FIXTURE_BYTES = 4L << 30;

    @State(Scope.Benchmark)
    public abstract static class Shape {
        /** {@code <n>files}: n files of 4 KiB, 100 to a directory; {@code rootfs}: Debian bookworm minbase. */
        @Param({"100files", "20000files", "rootfs"})
        public String parent;

        /** The parent's content as a layer tar: the cached rootfs tar, or the small files made under {@code dir} and tarred there. */
        Path parentTar(BenchmarkParams bp, Path dir) throws IOException {
            if (parent.equals("rootfs")) return Rootfs.tar(bp);
            Path tree = Trees.smallFiles(dir.resolve("tree"), files(parent), FILE_BYTES);
            Path tar = Trees.tar(tree, dir.resolve("parent.tar"));
            Trees.delete(tree);
            return tar;
        }

        @Param({"xfs"})
        public String fs;
    }

    /** A parent image layer holding the tree. */
    public static class Parent extends Shape {
        @Param({"vfs"})
        public String driver;

        DriverFixture d;
        int samples;
        String child;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            d = DriverFixture.open(bp, driver, fs, FIXTURE_BYTES);
            d.driver.create("parent", null, CreateOptions.DEFAULT);
            Trees.apply(d.driver, "parent", null, parentTar(bp, d.fs.root()));
        }

        @Setup(Level.Invocation)
        public void name() {
            child = "child" + samples++;
        }

        @TearDown(Level.Invocation)
        public void dropChild() throws IOException {
            if (d.driver.exists(child)) d.driver.remove(child);
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            if (d != null) d.close();
        }
    }

    /** The same tree on the same kind of fixture, for the full-copy reference. */
    public static class Tree extends Shape {
        ScratchFilesystem scratch;
        Path tree;
        Path copy;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            scratch = Fixtures.make(bp, fs, FIXTURE_BYTES);
            tree = scratch.root().resolve("tree");
            if (parent.equals("rootfs")) {
                Files.createDirectories(tree);
                Tools.check(List.of("tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-C", tree.toString(),
                        "-xf", Rootfs.tar(bp).toString()));
            } else {
                Trees.smallFiles(tree, files(parent), FILE_BYTES);
            }
            copy = scratch.root().resolve("copy");
        }

        @TearDown(Level.Invocation)
        public void dropCopy() throws IOException {
            Trees.delete(copy);
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            Fixtures.close(scratch);
        }
    }

    /** The parent's content loaded into a peer engine as a one-layer image; per sample a container of it. */
    public static class PeerParent extends Shape {
        static final String IMAGE = "docker.io/jstore/bench-parent:1";

        @Param({"docker"})
        public String peer;

        PeerImages.Loaded image;
        String id;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            image = PeerImages.Loaded.load(bp, peer, fs, FIXTURE_BYTES, IMAGE, dir -> parentTar(bp, dir));
        }

        @Setup(Level.Invocation)
        public void name() {
            id = image.nextContainer();
        }

        @TearDown(Level.Invocation)
        public void dropContainer() throws IOException {
            PeerImages.removeContainer(peer, id);
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            if (image != null) image.close();
        }
    }

    /** "20000files" → 20000. */
    static int files(String parent) {
        if (!parent.endsWith("files")) throw new IllegalArgumentException("parent " + parent + ": <n>files or rootfs");
        return Integer.parseInt(parent.substring(0, parent.length() - "files".length()));
    }

    @Benchmark
    @Subject(question = "Layer create: an empty child of a parent with many files or a real rootfs",
            measures = "create(child, parent) of an image layer, nothing applied to it")
    public void create(Parent s) throws IOException {
        s.d.driver.create(s.child, "parent", CreateOptions.DEFAULT);
    }

    @Benchmark
    @Reference(of = "create", label = "cp -a",
            value = "cp -a --reflink=auto of the parent's tree on the same fixture (a full copy)",
            tools = {"cp"})
    public void createReference(Tree s) throws IOException {
        Tools.check(List.of("cp", "-a", "--reflink=auto", s.tree.toString(), s.copy.toString()));
    }

    @Benchmark
    @Peer(of = "create", value = "docker create / ctr container create of an image holding the same parent: the container's"
            + " read-write layer (and the engine's container record), not started; removed outside the timing")
    public void createPeer(PeerParent s) throws IOException {
        Tools.check(PeerImages.create(s.peer, s.image.image, s.id));
    }
}
