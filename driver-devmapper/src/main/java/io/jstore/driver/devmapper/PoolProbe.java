package io.jstore.driver.devmapper;

import io.jstore.driver.Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which thin pool a home can have, and why not: the kernel's dm-thin target where
 * device-mapper is there, else a reflink pool where the home's filesystem clones files.
 */
final class PoolProbe {
    private PoolProbe() {}

    private static final Path LOOP_CONTROL = Path.of("/dev/loop-control");

    /** The probe of {@code home} (which need not exist yet: its nearest existing ancestor is tried). */
    static Probe probe(Path home) {
        if (!isRoot()) return Probe.no("needs root (loop devices, mounts); uid is not 0");
        Optional<String> noDm = DmThinPool.whyNot();
        if (noDm.isEmpty()) return Probe.ok("dm-thin pool (the kernel's thin-pool target)");
        if (!Files.isWritable(LOOP_CONTROL)) {
            return Probe.no("no dm-thin (" + noDm.get() + ") and no loop devices (" + LOOP_CONTROL + " missing)");
        }
        Path at = nearestExisting(home.toAbsolutePath().normalize());
        Optional<String> noReflink = ReflinkPool.whyNot(at);
        if (noReflink.isPresent()) return Probe.no("no dm-thin (" + noDm.get() + "); no reflink pool: " + noReflink.get());
        // the default device filesystem; open checks the tool of the one configured
        if (DeviceFilesystem.EXT4.findTool().isEmpty()) {
            return Probe.no(DeviceFilesystem.EXT4.tool() + " is not installed (scripts/setup.sh installs it)");
        }
        return Probe.ok("reflink pool on " + at + " (" + noDm.get() + ")");
    }

    static Path nearestExisting(Path p) {
        Path at = p;
        while (at != null && !Files.isDirectory(at)) at = at.getParent();
        return at == null ? Path.of("/") : at;
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
