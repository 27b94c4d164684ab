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

    /** Opens the driver as its provider does (repair included). */
    static OverlayDriver open(Path home, java.util.Map<String, String> options) throws io.jstore.driver.DriverException {
        return (OverlayDriver) new OverlayDriverProvider().open(home, options);
    }

    /** An image layer on {@code parent} holding the OCI layer {@code tar}. */
    static void image(OverlayDriver d, String id, String parent, byte[] tar) throws IOException {
        d.create(id, parent, io.jstore.driver.CreateOptions.DEFAULT);
        d.applyDiff(id, parent, new java.io.ByteArrayInputStream(tar));
    }

    static byte[] diff(OverlayDriver d, String id, String parent) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        d.diff(id, parent, out);
        return out.toByteArray();
    }

    /** The naive diff tar of two trees (null lower: the whole of {@code upper}). */
    static byte[] naiveTar(Path lower, Path upper) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        io.jstore.layer.Layers.diff(lower, upper, out);
        return out.toByteArray();
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
