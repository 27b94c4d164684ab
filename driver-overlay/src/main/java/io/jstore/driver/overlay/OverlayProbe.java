package io.jstore.driver.overlay;

import io.jstore.driver.Probe;
import io.jstore.driver.support.DriverHome;
import io.jstore.linux.Filesystems;
import io.jstore.linux.SyscallException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What overlay needs of the filesystem its layers live on, found by trying
 * ({@link Filesystems#probe}) rather than guessed from the type:
 * <ul>
 *   <li>not overlay itself: an upper dir on overlayfs is refused by the kernel (it cannot
 *       create whiteouts or a work dir there), so a store inside a container's rootfs fails;</li>
 *   <li>d_type: overlay merges directories by reading entry types; without them (ext4 made
 *       without {@code filetype}, xfs with {@code ftype=0}) whiteouts are not recognised and
 *       deleted files reappear, which is why Docker refuses such a backing fs too;</li>
 *   <li>{@code trusted.*} xattrs: opaque directories are marked with one, and only root may set them.</li>
 * </ul>
 */
final class OverlayProbe {
    private OverlayProbe() {}

    /** The backing filesystem's facts, for {@code probe} and {@code status}. */
    record Backing(Path dir, Filesystems.Features features) {
        String type() {
            return features.type();
        }
    }

    /** Probes the nearest existing directory at or above {@code home}. */
    static Backing backing(Path home) throws SyscallException {
        Path dir = existingAncestor(home.toAbsolutePath());
        return new Backing(dir, DriverHome.features(dir));
    }

    static Probe probe(Path home) {
        if (!kernelHasOverlay()) return Probe.no("this kernel has no overlay filesystem (/proc/filesystems)");
        Path dir = existingAncestor(home.toAbsolutePath());
        try {
            if (Filesystems.statfs(dir).magic() == Filesystems.OVERLAY_MAGIC) {
                return Probe.no("home " + home + " is on overlay (" + dir + "); overlay cannot use an overlay mount"
                        + " as its upper and work dirs: put the store on ext4, xfs or btrfs");
            }
            Backing b = backing(home);
            Filesystems.Features f = b.features();
            if (!f.dType()) {
                return Probe.no("home " + home + " is on " + f.type() + " without d_type (readdir reports no entry"
                        + " types: ext4 made without 'filetype', xfs with ftype=0); overlay would not see its"
                        + " whiteouts, deleted files would reappear");
            }
            if (!f.trustedXattrs()) {
                return Probe.no("home " + home + " on " + f.type() + " cannot hold trusted.* xattrs (not root,"
                        + " or the filesystem lacks them); overlay marks opaque directories with one");
            }
            return Probe.ok("home on " + f.type() + " with d_type" + (f.reflink() ? ", copy-up by reflink clone" : ""));
        } catch (SyscallException e) {
            return Probe.no("cannot probe " + dir + ": " + e.getMessage());
        }
    }

    static boolean kernelHasOverlay() {
        try {
            return Files.readString(Path.of("/proc/filesystems")).contains("\toverlay\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static Path existingAncestor(Path p) {
        Path dir = p;
        while (dir != null && !Files.isDirectory(dir)) dir = dir.getParent();
        return dir == null ? Path.of("/") : dir;
    }
}
