package io.jstore.driver.btrfs;

import io.jstore.driver.Driver;
import io.jstore.driver.DriverException;
import io.jstore.driver.DriverProvider;
import io.jstore.driver.Probe;
import io.jstore.driver.support.AbstractDriver;
import io.jstore.linux.BtrfsSubvolumes;
import io.jstore.linux.Btrfs;
import io.jstore.linux.Filesystems;
import io.jstore.linux.SyscallException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Registers the btrfs driver: usable where the home is on btrfs and we may search its trees. */
public final class BtrfsDriverProvider implements DriverProvider {
    static final String NAME = "btrfs";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Looks at the home, or at its nearest existing ancestor when it is not made yet: it must
     * be on btrfs, and the tree search the diff needs must be allowed (CAP_SYS_ADMIN).
     */
    @Override
    public Probe probe(Path home) {
        Path at = home.toAbsolutePath().normalize();
        while (at != null && !Files.exists(at)) at = at.getParent();
        if (at == null) return Probe.no("home " + home + " has no existing ancestor");
        try {
            Filesystems.StatFs fs = Filesystems.statfs(at);
            if (fs.magic() != Filesystems.BTRFS_MAGIC) {
                return Probe.no("home " + home + " is " + fs.type() + ", btrfs driver needs btrfs");
            }
            BtrfsSubvolumes.info(at, Btrfs.TOP_LEVEL_ID);
            return Probe.ok("home " + home + " is on btrfs");
        } catch (SyscallException.PermissionException e) {
            return Probe.no("btrfs driver needs CAP_SYS_ADMIN for subvolume ioctls and tree searches: " + e.getMessage());
        } catch (SyscallException e) {
            return Probe.no("cannot inspect home " + home + ": " + e.getMessage());
        }
    }

    @Override
    public Driver open(Path home, Map<String, String> options) throws DriverException {
        Probe p = probe(home);
        if (!p.supported()) throw new DriverException.UnsupportedException(NAME, p.reason());
        return AbstractDriver.opened(new BtrfsDriver(home));
    }

    /** Where the home is on btrfs, snapshots beat overlay's copy-up and vfs's copies. */
    @Override
    public int priority() {
        return 30;
    }
}
