package io.jstore.driver.overlay;

import io.jstore.driver.DriverException;
import io.jstore.linux.FsContext;
import io.jstore.linux.MountFlag;
import io.jstore.linux.Mounts;
import io.jstore.linux.SyscallException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * Performs an {@link OverlayStack} at a mount point: through the new mount API, one
 * {@code fsconfig("lowerdir+")} call per lower, or through {@code mount(2)} with the short
 * relative option string of {@link LegacyMountData}.
 */
final class OverlayMounter {

    /** Which mount call the driver uses for overlays. */
    enum Api {
        /** fsopen/fsconfig(lowerdir+)/fsmount/move_mount: no option-length limit (Linux 6.8+). */
        LOWERDIR_PLUS("fsconfig lowerdir+"),
        /** mount(2) with one page of options and relative short links. */
        LEGACY("mount(2), relative short links");

        final String description;

        Api(String description) {
            this.description = description;
        }
    }

    private final Path home;
    private final Api api;

    OverlayMounter(Path home, Api api) {
        this.home = home;
        this.api = api;
    }

    Api api() {
        return api;
    }

    /**
     * Whether this kernel's overlay takes {@code lowerdir+}: an fs context that accepts the key
     * for a path that exists. Older kernels answer EINVAL (unknown key) or have no fsopen.
     */
    static boolean kernelHasLowerdirPlus(Path anyDir) {
        if (!FsContext.supported("overlay")) return false;
        try (FsContext ctx = FsContext.open("overlay")) {
            ctx.setString("lowerdir+", anyDir.toString());
            return true;
        } catch (SyscallException e) {
            return false;
        }
    }

    void mount(OverlayStack stack, Path target) throws DriverException {
        try {
            if (stack.isBind()) {
                Mounts.bind(stack.bindSource(), target, true, stack.readOnly());
            } else if (api == Api.LOWERDIR_PLUS) {
                mountLowerdirPlus(stack, target);
            } else {
                String data = LegacyMountData.build(stack, home);
                Set<MountFlag> flags = stack.readOnly() ? EnumSet.of(MountFlag.RDONLY) : EnumSet.noneOf(MountFlag.class);
                Mounts.mountIn(home, "overlay", target, "overlay", flags, data);
            }
        } catch (SyscallException e) {
            throw DriverException.wrap("overlay", "mount", stack.id(), target, e);
        }
    }

    private static void mountLowerdirPlus(OverlayStack stack, Path target) throws SyscallException, TooManyLowersException {
        LegacyMountData.checkKernelLimit(stack);
        try (FsContext ctx = FsContext.open("overlay")) {
            ctx.setString("source", "overlay");
            for (Path lower : stack.lowers()) ctx.setString("lowerdir+", lower.toString());
            if (!stack.readOnly()) {
                ctx.setString("upperdir", stack.upper().toString());
                ctx.setString("workdir", stack.work().toString());
            } else {
                ctx.setFlag("ro");
            }
            for (String o : stack.options()) ctx.option(o);
            try (FsContext.DetachedMount m = ctx.mount(stack.readOnly() ? FsContext.MOUNT_ATTR_RDONLY : 0)) {
                m.moveTo(target);
            }
        }
    }

    /** Unmounts a view; a mount point that holds nothing is not an error. */
    static void unmount(String id, Path target) throws DriverException {
        try {
            Mounts.unmount(target, Mounts.UMOUNT_NOFOLLOW);
        } catch (SyscallException e) {
            if (e.errnoName().equals("EINVAL") || e instanceof SyscallException.NotFoundException) return;
            throw DriverException.wrap("overlay", "unmount", id, target, e);
        }
    }
}
