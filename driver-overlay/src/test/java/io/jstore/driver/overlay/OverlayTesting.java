package io.jstore.driver.overlay;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Assumptions and mount checks the overlay tests share. */
final class OverlayTesting {
    private OverlayTesting() {}

    static void assumeOverlay() {
        assumeTrue("root".equals(System.getProperty("user.name")), "overlay tests mount, and need root");
        try {
            assumeTrue(Files.readString(Path.of("/proc/filesystems")).contains("\toverlay\n"),
                    "this kernel has no overlay filesystem");
        } catch (IOException e) {
            assumeTrue(false, "cannot read /proc/filesystems: " + e);
        }
    }

    static void assumeLowerdirPlus(Path dir) {
        assumeTrue(OverlayMounter.kernelHasLowerdirPlus(dir), "this kernel's overlay has no lowerdir+ (Linux < 6.8)");
    }

    /** The mountinfo line whose mount point is {@code dir}, or null. */
    static String mountLine(Path dir) throws IOException {
        String point = " " + dir.toAbsolutePath() + " ";
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ", 6);
            if (f.length > 5 && (" " + f[4] + " ").equals(point)) return line;
        }
        return null;
    }

    static boolean notMounted(Path dir) throws IOException {
        return mountLine(dir) == null;
    }

    static boolean isReadOnlyMount(Path dir) throws IOException {
        String line = mountLine(dir);
        return line != null && line.split(" ")[5].matches("(^|.*,)ro(,.*|$)");
    }
}
