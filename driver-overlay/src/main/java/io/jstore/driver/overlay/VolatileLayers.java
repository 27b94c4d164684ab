package io.jstore.driver.overlay;

import io.jstore.driver.DriverException;
import io.jstore.linux.Fd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code volatile} mount option: overlay skips every sync of the upper dir, and marks its
 * work dir with {@code work/incompat/volatile}; the kernel refuses to mount that work dir
 * again until the mark is gone, because after a machine crash the upper may be half written.
 * The driver knows when that cannot be: it records the boot id of each volatile mount, and on
 * the next mount in the same boot (the layer was unmounted cleanly, or its holder died but
 * the kernel kept every page) it removes the mark; after a reboot it refuses, with the reason.
 */
final class VolatileLayers {
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    private final OverlayLayout layout;

    VolatileLayers(OverlayLayout layout) {
        this.layout = layout;
    }

    boolean isVolatile(String id) {
        return Files.exists(layout.volatileMarker(id));
    }

    private Path incompat(String id) {
        return layout.work(id).resolve("work").resolve("incompat").resolve("volatile");
    }

    /** Before mounting: clear the kernel's mark if this boot made it, refuse if an earlier boot did. */
    void beforeMount(String id) throws DriverException {
        Path mark = incompat(id);
        try {
            if (Files.exists(mark)) {
                String recorded = Files.readString(layout.volatileMarker(id), StandardCharsets.US_ASCII).strip();
                String now = bootId();
                if (!recorded.equals(now)) {
                    throw new DriverException("overlay: layer " + id + " was mounted volatile in an earlier boot ("
                            + (recorded.isEmpty() ? "unknown" : recorded) + ", now " + now
                            + "); its upper dir may be incomplete after the restart, so remove the layer", id, mark);
                }
                OverlayLayers.deleteTree(mark);
            }
            Files.writeString(layout.volatileMarker(id), bootId(), StandardCharsets.US_ASCII);
        } catch (DriverException e) {
            throw e;
        } catch (IOException e) {
            throw DriverException.wrap("overlay", "prepare volatile mount of", id, mark, e);
        }
    }

    /** After a clean unmount: write the upper dir back, then the mark may go. */
    void afterUnmount(String id) throws DriverException {
        Path mark = incompat(id);
        try (Fd upper = Fd.open(layout.diff(id), Fd.O_RDONLY | Fd.O_DIRECTORY)) {
            upper.syncfs();
            OverlayLayers.deleteTree(mark);
        } catch (io.jstore.linux.SyscallException.NotFoundException e) {
            // the layer's upper dir is gone: nothing to clear
        } catch (IOException e) {
            throw DriverException.wrap("overlay", "finish volatile mount of", id, mark, e);
        }
    }

    private static String bootId() throws IOException {
        return Files.readString(BOOT_ID, StandardCharsets.US_ASCII).strip();
    }
}
