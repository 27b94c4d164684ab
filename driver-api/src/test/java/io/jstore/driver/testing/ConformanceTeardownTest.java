package io.jstore.driver.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.Driver;
import io.jstore.driver.DriverException;
import io.jstore.driver.DriverProvider;
import io.jstore.driver.Probe;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The suite's per-test teardown runs the driver's hook and every later step even when an earlier one fails. */
class ConformanceTeardownTest {

    /** A driver whose cleanup fails; it records what was called on it. */
    private static Driver failingCleanup(List<String> calls) {
        return (Driver) Proxy.newProxyInstance(Driver.class.getClassLoader(), new Class<?>[] {Driver.class}, (p, m, args) -> {
            if (m.getDeclaringClass() == Object.class) {
                return switch (m.getName()) {
                    case "equals" -> p == args[0];
                    case "hashCode" -> System.identityHashCode(p);
                    default -> "a driver whose cleanup fails";
                };
            }
            calls.add(m.getName());
            return switch (m.getName()) {
                case "cleanup" -> throw new DriverException("cleanup failed", "-", null);
                case "close" -> null;
                default -> throw new UnsupportedOperationException(m.getName());
            };
        });
    }

    private static DriverProvider provider(List<String> calls, boolean opens) {
        return new DriverProvider() {
            @Override
            public String name() {
                return "teardown-probe";
            }

            @Override
            public Probe probe(Path home) {
                return Probe.ok("always");
            }

            @Override
            public Driver open(Path home, Map<String, String> options) throws DriverException {
                if (!opens) throw new DriverException("cannot open", "-", home);
                try {
                    Files.createDirectories(home.resolve("layer"));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                return failingCleanup(calls);
            }
        };
    }

    @Test
    void aFailedCleanupStillRunsTheHookClosesAndDeletesTheHome(@Scratch(type = FsType.TMPFS, sizeMiB = 16) ScratchFilesystem fs)
            throws Exception {
        List<String> calls = new ArrayList<>();
        Path[] seen = new Path[1];
        DriverConformance suite = new DriverConformance(provider(calls, true), fs) {
            @Override
            protected void tearDownDriver(Driver driver, Path h) {
                calls.add("hook " + (driver != null));
                seen[0] = h;
            }
        };
        suite.openDriver();
        IOException e = assertThrows(IOException.class, suite::closeDriver);
        assertTrue(String.valueOf(e.getMessage()).contains("cleanup failed"), e.toString());
        assertEquals(List.of("cleanup", "hook true", "close"), calls);
        assertFalse(Files.exists(seen[0]), "the home is deleted");
    }

    @Test
    void aDriverThatDidNotOpenStillGetsTheHook(@Scratch(type = FsType.TMPFS, sizeMiB = 16) ScratchFilesystem fs) throws Exception {
        List<String> calls = new ArrayList<>();
        DriverConformance suite = new DriverConformance(provider(calls, false), fs) {
            @Override
            protected void tearDownDriver(Driver driver, Path h) {
                calls.add("hook " + (driver != null));
            }
        };
        assertThrows(DriverException.class, suite::openDriver);
        suite.closeDriver();
        assertEquals(List.of("hook false"), calls);
    }
}
