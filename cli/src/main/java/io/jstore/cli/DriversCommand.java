package io.jstore.cli;

import io.jstore.driver.DriverProvider;
import io.jstore.driver.Drivers;
import io.jstore.driver.Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jstore drivers}: every driver on the class path and what its probe says of the store root. */
@Command(name = "drivers", description = "List storage drivers and whether each can run on the store root.")
final class DriversCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path root = global.root();
        Files.createDirectories(root);
        List<DriverProvider> providers = Drivers.all();
        var out = spec.commandLine().getOut();
        if (providers.isEmpty()) {
            out.println("no storage drivers found on the class path");
            return 0;
        }
        out.printf("store root: %s%n", root);
        for (DriverProvider p : providers) {
            Probe probe = p.probe(root.resolve(p.name()));
            out.printf("%-10s %s%n", p.name(), probe);
        }
        return 0;
    }
}
