package io.jstore.bench.suite;

import io.jstore.bench.Fixtures;
import io.jstore.bench.Peer;
import io.jstore.bench.Reference;
import io.jstore.bench.Skips;
import io.jstore.bench.Subject;
import io.jstore.bench.Tools;
import io.jstore.driver.CreateOptions;
import io.jstore.driver.Probe;
import io.jstore.linux.testing.ScratchFilesystem;
import io.jstore.shim.Bundle;
import io.jstore.shim.Container;
import io.jstore.shim.Executor;
import io.jstore.shim.Identity;
import io.jstore.shim.ImageConfig;
import io.jstore.shim.OciSpec;
import io.jstore.shim.RunOptions;
import io.jstore.shim.SpecBuilder;
import io.jstore.shim.Stdio;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
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
 * Start: a container running {@code /bin/true} from start to exit, on a fresh read-write layer
 * (ephemeral, as {@code run --rm} makes it, and in full runs also durable) of a busybox image per
 * driver and executor (jstore's built-in one, or runc given the driver's
 * root), beside {@code crun run} and {@code runc run} of a bundle prepared once on a plain
 * directory; with {@code --peers}, {@code docker run --rm} and {@code ctr run --rm} of the same
 * root. A second question times {@code jstore run --rm} as a process (the launcher, JVM start
 * included) beside the same references and peers.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Fork(1)
public class StartBench {
    static final long FIXTURE_BYTES = 1L << 30;
    static final Stdio QUIET = new Stdio(Redirect.from(new File("/dev/null")), Redirect.DISCARD, Redirect.DISCARD);

    @State(Scope.Benchmark)
    public abstract static class Shape {
        @Param({"xfs"})
        public String fs;

        static OciSpec spec(String id) {
            return SpecBuilder.build(id, RunOptions.of("/bin/true"), ImageConfig.EMPTY, Identity.ROOT);
        }

        static void run(Executor e, Bundle b) throws IOException {
            try (Container c = e.start(b, QUIET, false)) {
                int code = c.waitFor().code();
                if (code != 0) throw new IOException(e.name() + ": /bin/true exited " + code + " in " + b.dir());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", ie);
            }
        }
    }

    /** A busybox image layer; per sample a read-write layer on it and a bundle naming its mounts. */
    public static class OnDriver extends Shape {
        @Param({"vfs"})
        public String driver;

        @Param({"builtin", "runc"})
        public String executor;

        /** true: the layer is ephemeral, as {@code run --rm} makes it (thrown away at the end); false: a durable one. */
        @Param({"true", "false"})
        public boolean ephemeral;

        DriverFixture d;
        Executor exec;
        int samples;
        String id;
        Bundle bundle;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            exec = Executor.named(executor);
            Probe p = exec.probe();
            if (!p.supported()) throw Skips.skip(bp, exec.name() + ": " + p.reason());
            d = DriverFixture.open(bp, driver, fs, FIXTURE_BYTES);
            Path tree = d.scratch("busybox");
            if (!BusyboxTree.create(tree)) throw Skips.skip(bp, "busybox is not installed (scripts/setup.sh installs it)");
            Path tar = Trees.tar(tree, d.fs.root().resolve("busybox.tar"));
            d.driver.create("image", null, CreateOptions.DEFAULT);
            Trees.apply(d.driver, "image", null, tar);
        }

        @Setup(Level.Invocation)
        public void container() throws IOException {
            id = "jb" + ProcessHandle.current().pid() + "x" + samples++;
            d.driver.createReadWrite(id, "image", CreateOptions.DEFAULT.withEphemeral(ephemeral));
            bundle = Bundle.write(d.fs.root().resolve("bundles").resolve(id), id, spec(id), d.driver.mounts(id));
        }

        @TearDown(Level.Invocation)
        public void dropContainer() throws IOException {
            d.driver.remove(id);
            Trees.delete(bundle.dir());
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            if (d != null) d.close();
        }
    }

    /** One bundle on a plain directory, prepared once: what an OCI runtime alone costs. */
    public static class Prepared extends Shape {
        ScratchFilesystem scratch;
        Bundle bundle;
        CrunNamespace crun;
        int samples;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            String runtime = bp.getBenchmark().endsWith("Runc") ? "runc" : "crun";
            if (Tools.version(runtime).endsWith("(not installed)")) throw Skips.skip(bp, runtime + " is not installed");
            scratch = Fixtures.make(bp, fs, FIXTURE_BYTES);
            Path dir = scratch.root().resolve("bundle");
            if (!BusyboxTree.create(dir.resolve("rootfs"))) throw Skips.skip(bp, "busybox is not installed");
            String id = "jbref" + ProcessHandle.current().pid();
            bundle = Bundle.write(dir, id, spec(id), List.of());
            // after the fixture is mounted: the namespace holds a copy of the mounts there are
            if (runtime.equals("crun")) crun = CrunNamespace.open(bp);
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            try {
                if (crun != null) crun.close(); // first: its copy of the fixture's mount keeps the loop device busy
            } finally {
                Fixtures.close(scratch);
            }
        }

        void run(String runtime) throws IOException {
            List<String> cmd = List.of(runtime, "--root", "/run/jstore-bench/" + runtime, "run", "--bundle",
                    bundle.dir().toString(), bundle.id());
            if (crun != null) cmd = crun.enter(cmd);
            Tools.Result r = Tools.run(cmd, 60);
            if (r.exit() != 0) throw new IOException(runtime + " run exited " + r.exit() + ": " + r.output().strip());
        }
    }

    /**
     * A store on the fixture holding the busybox image, for {@code jstore run --rm} as a process:
     * {@code daemonless} runs it in the command's own JVM, {@code service} with {@code jstore serve}
     * running on the store, whose client the command then is (as ctr is containerd's).
     */
    public static class OnStore extends Shape {
        @Param({"vfs"})
        public String driver;

        @Param({"daemonless", "service"})
        public String mode;

        static final int SERVICE_WARMUP = 30;

        ScratchFilesystem scratch;
        List<String> run;
        Process service;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            Path launcher = JstoreLauncher.find(bp);
            scratch = Fixtures.make(bp, fs, FIXTURE_BYTES);
            Path tree = scratch.root().resolve("busybox");
            if (!BusyboxTree.create(tree)) throw Skips.skip(bp, "busybox is not installed");
            Path tar = Trees.tar(tree, scratch.root().resolve("busybox.tar"));
            List<String> store = List.of("--root", scratch.root().resolve("store").toString(), "--driver", driver);
            Tools.check(JstoreLauncher.command(launcher, List.of("image", "import"), store, tar.toString(),
                    "--name", "bench/busybox:1"));
            run = JstoreLauncher.command(launcher, List.of("run"), store, "--rm", "bench/busybox:1", "/bin/true");
            // first without the service: the launcher's class list for run comes from a run in its own JVM
            JstoreLauncher.warm(launcher, run);
            if (mode.equals("service")) {
                service = JstoreLauncher.serve(bp, launcher, store, scratch.root().resolve("store"), scratch.root().resolve("serve.log"));
                // a resident service has run many commands: its JIT is warm, as containerd's is for ctr
                for (int i = 0; i < SERVICE_WARMUP; i++) Tools.check(run);
            } else if (!mode.equals("daemonless")) {
                throw new IllegalArgumentException("mode is daemonless or service, not " + mode);
            }
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            try {
                JstoreLauncher.stop(service);
            } finally {
                Fixtures.close(scratch);
            }
        }
    }

    /** The busybox root loaded into a peer engine as a one-layer image, once. */
    public static class PeerImage extends Shape {
        static final String IMAGE = "docker.io/jstore/bench-busybox:1";

        @Param({"docker"})
        public String peer;

        PeerImages.Loaded image;
        String id;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            image = PeerImages.Loaded.load(bp, peer, fs, FIXTURE_BYTES, IMAGE, dir -> {
                Path tree = dir.resolve("busybox");
                if (!BusyboxTree.create(tree)) throw Skips.skip(bp, "busybox is not installed");
                return Trees.tar(tree, dir.resolve("busybox.tar"));
            });
        }

        @Setup(Level.Invocation)
        public void name() {
            id = image.nextContainer();
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            if (image != null) image.close();
        }
    }

    @Benchmark
    @Subject(question = "Start: /bin/true from start to exit on a fresh read-write layer",
            measures = "write the bundle's mounts, start (namespaces, cgroups, mounts, pivot_root), wait for exit 0, release")
    public void start(OnDriver s) throws IOException {
        Shape.run(s.exec, s.bundle);
    }

    @Benchmark
    @Reference(of = "start", label = "crun run", value = CrunNamespace.VALUE, tools = {"crun"})
    public void startReference(Prepared s) throws IOException {
        s.run("crun");
    }

    @Benchmark
    @Reference(of = "start", label = "runc run",
            value = "runc run of one bundle prepared on a plain directory of the same fixture",
            tools = {"runc"})
    public void startReferenceRunc(Prepared s) throws IOException {
        s.run("runc");
    }

    @Benchmark
    @Peer(of = "start", value = "docker run --rm --network none / ctr run --rm of the same busybox root, loaded once as an image")
    public void startPeer(PeerImage s) throws IOException {
        Tools.check(PeerImages.runRm(s.peer, s.image.image, s.id, "/bin/true"));
    }

    @Benchmark
    @Subject(question = "Start as a command: jstore run --rm IMAGE /bin/true as a process",
            measures = "the jstore launcher and its JVM (class-data archive), open the store, create the layer,"
                    + " start, wait, remove; the built-in executor; daemonless: all in the command's JVM, service: the"
                    + " command a client of jstore serve on the store, which does the work")
    public void startCommand(OnStore s) throws IOException {
        Tools.check(s.run);
    }

    @Benchmark
    @Reference(of = "startCommand", label = "crun run", value = CrunNamespace.VALUE, tools = {"crun"})
    public void startCommandReference(Prepared s) throws IOException {
        s.run("crun");
    }

    @Benchmark
    @Peer(of = "startCommand", value = "docker run --rm --network none / ctr run --rm of the same busybox root, loaded once as an image")
    public void startCommandPeer(PeerImage s) throws IOException {
        startPeer(s);
    }
}
