package io.jstore.driver.overlay;

import io.jstore.driver.Driver;
import io.jstore.driver.DriverException;
import io.jstore.driver.DriverProvider;
import io.jstore.driver.Probe;
import io.jstore.driver.support.AbstractDriver;
import java.nio.file.Path;
import java.util.Map;

/** Registers the overlay driver with {@link io.jstore.driver.Drivers}. */
public final class OverlayDriverProvider implements DriverProvider {

    @Override
    public String name() {
        return OverlayDriver.NAME;
    }

    @Override
    public Probe probe(Path home) {
        return OverlayProbe.probe(home);
    }

    @Override
    public Driver open(Path home, Map<String, String> options) throws DriverException {
        return AbstractDriver.opened(new OverlayDriver(home, OverlayOptions.parse(options)));
    }

    /** Preferred where it runs: copy-on-write by the kernel, layers shared instead of copied. */
    @Override
    public int priority() {
        return 100;
    }
}
