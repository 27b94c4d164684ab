package io.jstore.driver.devmapper;

import io.jstore.driver.Driver;
import io.jstore.driver.DriverException;
import io.jstore.driver.DriverProvider;
import io.jstore.driver.Probe;
import java.nio.file.Path;
import java.util.Map;

/** Registers the devicemapper driver with {@link io.jstore.driver.Drivers}. */
public final class DevmapperDriverProvider implements DriverProvider {
    @Override
    public String name() {
        return DevmapperDriver.NAME;
    }

    @Override
    public Probe probe(Path home) {
        return PoolProbe.probe(home);
    }

    @Override
    public Driver open(Path home, Map<String, String> options) throws DriverException {
        return DevmapperDriver.open(home, options);
    }

    /** Below overlay and btrfs: a filesystem per layer costs a mount and a device per container. */
    @Override
    public int priority() {
        return 10;
    }
}
