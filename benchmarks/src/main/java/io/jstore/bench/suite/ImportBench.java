package io.jstore.bench.suite;

import io.jstore.bench.Fixtures;
import io.jstore.bench.Peer;
import io.jstore.bench.Reference;
import io.jstore.bench.Rootfs;
import io.jstore.bench.Skips;
import io.jstore.bench.Subject;
import io.jstore.bench.Tools;
import io.jstore.driver.DriverProvider;
import io.jstore.driver.Drivers;
import io.jstore.driver.Probe;
import io.jstore.graph.Graph;
import io.jstore.graph.image.ImageImporter;
import io.jstore.graph.image.ImportProgress;
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
 * Image import: a one-layer docker-archive (as {@code docker save} writes it) of busybox or
 * the Debian rootfs into a store — what {@code jstore image import} does: digest the layer,
 * record it, apply it through the driver — beside GNU {@code tar -x} of the same layer on the
 * same fixture and, with {@code --peers}, {@code docker load} and {@code ctr image import}.
 * Each sample starts from a store without the image (removed and collected outside the timing).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(1)
public class ImportBench {
    static final long FIXTURE_BYTES = 4L << 30;
    static final String IMAGE = "docker.io/jstore/bench-import:1";

    @State(Scope.Benchmark)
    public abstract static class Shape {
        /** busybox: Debian's static busybox and a few directories; rootfs: Debian bookworm minbase. */
        @Param({"busybox", "rootfs"})
        public String image;

        @Param({"xfs"})
        public String fs;

        ScratchFilesystem scratch;

        /** The layer tar on the fixture (busybox made there; the rootfs is the cached tar). */
        Path layer(BenchmarkParams bp) throws IOException {
            if (image.equals("rootfs")) {
                return Files.copy(Rootfs.tar(bp), scratch.root().resolve("rootfs.tar"));
            }
            Path tree = scratch.root().resolve("busybox");
            if (!BusyboxTree.create(tree)) throw Skips.skip(bp, "busybox is not installed (scripts/setup.sh installs it)");
            return Trees.tar(tree, scratch.root().resolve("busybox.tar"));
        }

        /** The archive of the layer, on the fixture. */
        Path archive(BenchmarkParams bp) throws IOException {
            return PeerImages.archive(Files.createDirectories(scratch.root().resolve("image")), IMAGE, layer(bp));
        }
    }

    /** A jstore store on the fixture with the driver, and the archive beside it. */
    public static class Store extends Shape {
        @Param({"vfs"})
        public String driver;

        Graph graph;
        Path archive;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            DriverProvider provider = Drivers.find(driver)
                    .orElseThrow(() -> Skips.skip(bp, "no driver named " + driver + " on the class path"));
            scratch = Fixtures.make(bp, fs, FIXTURE_BYTES);
            Path store = scratch.root().resolve("store");
            Probe p = provider.probe(Files.createDirectories(store.resolve(driver)));
            if (!p.supported()) throw Skips.skip(bp, p.reason());
            graph = Graph.open(store, driver);
            archive = archive(bp);
        }

        @TearDown(Level.Invocation)
        public void dropImage() throws IOException {
            graph.removeImage(IMAGE);
            graph.gc();
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            try {
                if (graph != null) graph.close();
            } finally {
                Fixtures.close(scratch);
            }
        }
    }

    /** The bare layer tar on the fixture, unpacked per sample into a fresh directory. */
    public static class Layer extends Shape {
        Path tar;
        Path target;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            scratch = Fixtures.make(bp, fs, FIXTURE_BYTES);
            tar = layer(bp);
            target = scratch.root().resolve("unpacked");
        }

        @Setup(Level.Invocation)
        public void fresh() throws IOException {
            Files.createDirectories(target);
        }

        @TearDown(Level.Invocation)
        public void drop() throws IOException {
            Trees.delete(target);
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            Fixtures.close(scratch);
        }
    }

    /** The archive on a fixture; per sample the peer loads it, and then removes the image with its layers. */
    public static class PeerStore extends Shape {
        @Param({"docker"})
        public String peer;

        Path archive;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            PeerImages.requireAvailable(bp, peer);
            scratch = Fixtures.make(bp, fs, FIXTURE_BYTES);
            archive = archive(bp);
        }

        @TearDown(Level.Invocation)
        public void dropImage() throws IOException {
            PeerImages.removeImage(peer, IMAGE);
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            Fixtures.close(scratch);
        }
    }

    @Benchmark
    @Subject(question = "Image import: a one-layer docker-archive into the store",
            measures = "ImageImporter.importPath (jstore image import): read the archive, digest and record the layer, apply it through the driver")
    public void importImage(Store s) throws IOException {
        ImageImporter.importPath(s.graph, s.archive, List.of(IMAGE), ImportProgress.NONE);
    }

    @Benchmark
    @Reference(of = "importImage", label = "tar -x",
            value = "GNU tar -x of the same layer tar (not the archive) into an empty directory of the same fixture",
            tools = {"tar"})
    public void importImageReference(Layer s) throws IOException {
        Tools.check(List.of("tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-C", s.target.toString(),
                "-xf", s.tar.toString()));
    }

    @Benchmark
    @Peer(of = "importImage", value = "docker load -i / ctr image import (unpacked on containerd's overlayfs) of the same archive")
    public void importImagePeer(PeerStore s) throws IOException {
        Tools.check(PeerImages.load(s.peer, s.archive));
    }
}
