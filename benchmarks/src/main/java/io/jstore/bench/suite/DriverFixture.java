package io.jstore.bench.suite;

import io.jstore.bench.Fixtures;
import io.jstore.bench.Skips;
import io.jstore.driver.Driver;
import io.jstore.driver.DriverException;
import io.jstore.driver.DriverProvider;
import io.jstore.driver.Drivers;
import io.jstore.driver.Probe;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * A driver opened with its home on a fresh scratch filesystem, found through the registry
 * (never imported). A driver whose probe refuses the fixture is a recorded skip, not a failure.
 * Closing unmounts what the driver mounted and removes the fixture with everything on it.
 */
final class DriverFixture implements AutoCloseable {
    final ScratchFilesystem fs;
    final Driver driver;

    private DriverFixture(ScratchFilesystem fs, Driver driver) {
        this.fs = fs;
        this.driver = driver;
    }

    static DriverFixture open(BenchmarkParams bp, String driverName, String fsName, long fixtureBytes) throws IOException {
        DriverProvider provider = Drivers.find(driverName)
                .orElseThrow(() -> Skips.skip(bp, "no driver named " + driverName + " on the class path"));
        ScratchFilesystem fs = Fixtures.make(bp, fsName, fixtureBytes);
        try {
            Path home = Files.createDirectories(fs.root().resolve("jstore-" + driverName));
            Probe probe = provider.probe(home);
            if (!probe.supported()) throw Skips.skip(bp, probe.reason());
            return new DriverFixture(fs, provider.open(home, Map.of()));
        } catch (Throwable t) {
            try {
                fs.close();
            } catch (Throwable c) {
                t.addSuppressed(c);
            }
            throw t;
        }
    }

    /** A scratch directory beside the driver's home, on the same filesystem. */
    Path scratch(String name) throws IOException {
        return Files.createDirectories(fs.root().resolve(name));
    }

    @Override
    public void close() throws IOException {
        try {
            driver.cleanup();
            driver.close();
        } catch (DriverException e) {
            try {
                fs.close();
            } catch (IOException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
        fs.close();
    }
}
