package io.jstore.driver.vfs;

import io.jstore.driver.Driver;
import io.jstore.driver.DriverException;
import io.jstore.driver.DriverProvider;
import io.jstore.driver.Probe;
import io.jstore.driver.support.AbstractDriver;
import io.jstore.driver.support.DriverHome;
import io.jstore.linux.Filesystems;
import io.jstore.linux.SyscallException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Registers the vfs driver; it runs on any filesystem, so its probe only says how it will copy. */
public final class VfsProvider implements DriverProvider {
    @Override
    public String name() {
        return VfsDriver.NAME;
    }

    @Override
    public Probe probe(Path home) {
        Path at = home.toAbsolutePath();
        while (at != null && !Files.isDirectory(at)) at = at.getParent();
        if (at == null) return Probe.no("no existing directory above " + home);
        if (!Files.isWritable(at)) return Probe.no(at + " is not writable");
        try {
            Filesystems.Features f = DriverHome.features(at);
            return Probe.ok(f.type() + ", copies by " + (f.reflink() ? "FICLONE (extents shared)" : "copy_file_range"));
        } catch (SyscallException e) {
            return Probe.no("cannot probe " + at + ": " + e.getMessage());
        }
    }

    @Override
    public Driver open(Path home, Map<String, String> options) throws DriverException {
        if (!options.isEmpty()) {
            throw new DriverException.UnsupportedException(VfsDriver.NAME, "options " + options.keySet() + " (vfs takes none)");
        }
        return AbstractDriver.opened(new VfsDriver(home));
    }

    /** Last resort when nothing better can run: every layer is a full copy. */
    @Override
    public int priority() {
        return -100;
    }
}
