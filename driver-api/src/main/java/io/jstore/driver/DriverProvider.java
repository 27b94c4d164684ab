package io.jstore.driver;

import java.nio.file.Path;
import java.util.Map;

/**
 * The entry a driver module registers in
 * {@code META-INF/services/io.jstore.driver.DriverProvider}; {@link Drivers} finds them with
 * {@link java.util.ServiceLoader}, so nothing above driver-api imports a concrete driver.
 */
public interface DriverProvider {

    String name();

    /**
     * Whether the driver can keep its layers under {@code home} on this host, and why not:
     * "home /x is ext4, btrfs driver needs btrfs". Cheap, and side-effect free apart from
     * test files it removes again.
     */
    Probe probe(Path home);

    /** Opens the driver with its layers under {@code home} (created if missing), repairing what a crash left. */
    Driver open(Path home, Map<String, String> options) throws DriverException;

    /** Preference when the user names no driver: higher wins among the supported ones. */
    default int priority() {
        return 0;
    }
}
