package io.jstore.driver.devmapper;

import io.jstore.linux.Fd;
import io.jstore.linux.MountInfo;
import io.jstore.linux.SyscallException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Who uses a pool's block device, as both pools decide whether a device may be deleted: a
 * filesystem mounted from it in this mount namespace keeps it, one mounted only in another
 * namespace (a copy every unshare of a mount namespace takes, which this host's private root
 * mount never unmounts) lets its deletion be deferred until that copy goes.
 */
final class DeviceUse {
    private DeviceUse() {}

    /** Whether a filesystem of block device {@code major:minor} is mounted in this mount namespace. */
    static boolean mountedHere(String majorMinor) throws IOException {
        return MountInfo.self().stream().anyMatch(m -> (m.major() + ":" + m.minor()).equals(majorMinor));
    }

    /** A mounted filesystem claims its block device: an exclusive open of it fails with EBUSY. */
    static boolean mountedSomewhere(Path device) throws SyscallException {
        try (Fd probe = Fd.open(device, Fd.O_RDONLY | Fd.O_EXCL)) {
            return false;
        } catch (SyscallException.BusyException e) {
            return true;
        } catch (SyscallException.NotFoundException e) {
            return false;
        }
    }
}
