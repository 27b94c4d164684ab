package io.jstore.linux.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Preconditions of tests that touch the real system: skip, with the reason, when unmet. */
public final class Root {
    private Root() {}

    /** Whether this process runs as uid 0 ({@code /proc/self} belongs to the process's euid). */
    public static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Skips the test unless it runs as root. */
    public static void assumeRoot() {
        Assumptions.assumeTrue(isRoot(), "needs root (mounts, loop devices, trusted.* xattrs); uid is not 0");
    }

    /** Where {@code name} is installed: on PATH or in the sbin directories PATH may lack. */
    public static Optional<Path> tool(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin";
        return Stream.of(path.split(":"))
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Skips the test unless {@code name} is installed. */
    public static void assumeTool(String name) {
        Assumptions.assumeTrue(tool(name).isPresent(),
                name + " is not installed (scripts/setup.sh installs it)");
    }
}
