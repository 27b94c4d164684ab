package io.jstore.driver.testing;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.Driver;
import io.jstore.driver.DriverException;
import io.jstore.driver.DriverProvider;
import io.jstore.driver.Probe;
import io.jstore.driver.support.Trees;
import io.jstore.layer.Layers;
import io.jstore.layer.TreeCopy;
import io.jstore.layer.testing.TreeSnapshot;
import io.jstore.linux.MountInfo;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * The lifecycle and helpers of the conformance suite: one scratch filesystem per class
 * (constructor-injected by the subclass), a fresh driver home on it per test, cleaned up
 * after the test whatever happened, and the whole class skipped with the probe's reason
 * where the driver cannot run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConformanceFixture {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    protected final DriverProvider provider;
    protected final ScratchFilesystem fs;
    private final java.util.List<Path> scratch = new java.util.ArrayList<>();
    protected Path home;
    protected Driver driver;

    protected ConformanceFixture(DriverProvider provider, ScratchFilesystem fs) {
        this.provider = provider;
        this.fs = fs;
    }

    /** Options the driver is opened with. */
    protected Map<String, String> options() {
        return Map.of();
    }

    @BeforeAll
    void probe() {
        Probe p = provider.probe(fs.root().resolve("probe-home"));
        if (!p.supported()) {
            // surefire prints only a count of skips: say why here
            System.err.println("SKIPPED " + getClass().getSimpleName() + ": " + provider.name() + " " + p);
        }
        Assumptions.assumeTrue(p.supported(), () -> provider.name() + " cannot run on " + fs + ": " + p.reason());
    }

    @BeforeEach
    void openDriver() throws IOException {
        home = fs.root().resolve("store-" + COUNTER.incrementAndGet());
        driver = provider.open(home, options());
    }

    /**
     * The driver's teardown hook: runs after every test between the driver's {@code cleanup}
     * and its {@code close}, also when the test or the cleanup failed, and with a null
     * {@code driver} when none was open, for what unmounting and deleting files cannot remove
     * (btrfs's read-only subvolumes, a dm-thin pool's device). Nothing by default.
     */
    protected void tearDownDriver(Driver driver, Path home) throws IOException {}

    /**
     * Cleans up after every test: the driver's cleanup, {@link #tearDownDriver}, close, then
     * whatever is still mounted under the home and the reference trees, and the files. Every
     * step is tried even when an earlier one failed; the first failure is thrown with the
     * others suppressed.
     */
    @AfterEach
    void closeDriver() throws IOException {
        Driver d = driver;
        driver = null;
        Steps steps = new Steps();
        if (d != null) steps.run(d::cleanup);
        steps.run(() -> tearDownDriver(d, home));
        if (d != null) steps.run(d::close);
        for (Path p : scratchAndHome()) {
            steps.run(() -> {
                for (var m : MountInfo.under(p)) io.jstore.linux.Mounts.unmount(m.mountPoint(), io.jstore.linux.Mounts.MNT_DETACH);
            });
            steps.run(() -> Trees.delete(p));
        }
        scratch.clear();
        steps.rethrow();
    }

    private java.util.List<Path> scratchAndHome() {
        java.util.List<Path> all = new java.util.ArrayList<>(scratch);
        if (home != null) all.add(0, home);
        return all;
    }

    /** Runs teardown steps, keeping the failures. */
    private static final class Steps {
        interface Step {
            void run() throws Exception;
        }

        private IOException first;

        void run(Step s) {
            try {
                s.run();
            } catch (Throwable t) {
                if (first == null) first = t instanceof IOException io ? io : new IOException("teardown: " + t, t);
                else first.addSuppressed(t);
            }
        }

        void rethrow() throws IOException {
            if (first != null) throw first;
        }
    }

    /** Closes the driver and opens a new one on the same home (repair runs). */
    protected Driver reopen() throws IOException {
        driver.close();
        driver = provider.open(home, options());
        return driver;
    }

    /** A plain directory on the fixture for reference trees, made fresh. */
    protected Path scratchDir(String name) throws IOException {
        Path p = fs.root().resolve("ref-" + COUNTER.incrementAndGet() + "-" + name);
        scratch.add(p);
        Files.createDirectories(p);
        return p;
    }

    /** The naive diff of two plain directories as a layer tar (null lower: the whole tree). */
    protected static byte[] tarOf(Path lower, Path upper) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Layers.diff(lower, upper, out);
        return out.toByteArray();
    }

    /** Creates {@code id} on {@code parent} and applies {@code tar} to it, as an engine imports a layer. */
    protected void importLayer(String id, String parent, byte[] tar) throws DriverException {
        driver.create(id, parent, CreateOptions.DEFAULT);
        long n = driver.applyDiff(id, parent, new ByteArrayInputStream(tar));
        if (n != tar.length) throw new AssertionError("applyDiff of " + id + " read " + n + " of " + tar.length + " bytes");
    }

    /** Everything observable of the layer's root, taken between a get and a put. */
    protected TreeSnapshot snapshot(String id) throws IOException {
        Path root = driver.get(id);
        try {
            return TreeSnapshot.of(root);
        } finally {
            driver.put(id);
        }
    }

    /** A plain copy of the layer's content, for reference trees. */
    protected Path copyOf(String id, String name) throws IOException {
        Path dst = fs.root().resolve("ref-" + COUNTER.incrementAndGet() + "-" + name);
        scratch.add(dst);
        Path root = driver.get(id);
        try {
            TreeCopy.copy(root, dst);
        } finally {
            driver.put(id);
        }
        return dst;
    }

    protected int mountCount(String id) throws DriverException {
        return Integer.parseInt(driver.metadata(id).get("mountCount"));
    }

    /** How many mounts sit exactly on {@code root} (a refcount bug stacks them). */
    protected static long mountsOn(Path root) throws IOException {
        Path real = root.toRealPath();
        return MountInfo.self().stream().filter(m -> m.mountPoint().equals(real)).count();
    }
}
