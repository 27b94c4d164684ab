package io.jstore.driver;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/** The registry: every {@link DriverProvider} on the class path. */
public final class Drivers {
    private Drivers() {}

    public static List<DriverProvider> all() {
        return ServiceLoader.load(DriverProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparingInt(DriverProvider::priority).reversed()
                        .thenComparing(DriverProvider::name))
                .toList();
    }

    public static Optional<DriverProvider> find(String name) {
        return all().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The highest-priority driver whose probe accepts {@code home}. */
    public static Optional<DriverProvider> best(Path home) {
        return all().stream().filter(p -> p.probe(home).supported()).findFirst();
    }

    /** Opens the named driver, or fails with the probe's reason. */
    public static Driver open(String name, Path home, Map<String, String> options) throws DriverException {
        DriverProvider p = find(name).orElseThrow(() -> new DriverException.UnsupportedException(
                name, "no driver named '" + name + "' (known: "
                        + String.join(", ", all().stream().map(DriverProvider::name).toList()) + ")"));
        Probe probe = p.probe(home);
        if (!probe.supported()) throw new DriverException.UnsupportedException(name, probe.reason());
        return p.open(home, options);
    }
}
