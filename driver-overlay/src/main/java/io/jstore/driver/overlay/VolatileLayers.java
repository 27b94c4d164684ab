package io.jstore.driver.overlay;

import io.jstore.driver.DriverException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How an ephemeral layer mounts: with overlay's {@code volatile}, which skips every sync of
 * the upper dir (the one at the last unmount too) and marks the work dir with
 * {@code work/incompat/volatile}. The kernel refuses to mount a work dir with that mark
 * ("overlay with incompat feature 'volatile' cannot be mounted", EINVAL), because after a crash
 * of the machine the upper may be half written. An ephemeral layer never meets that case: the
 * driver's first open after a restart removes it. So the mark the last mount of this boot left
 * can go before the layer mounts again, or its specs are handed out for a mount elsewhere.
 */
final class VolatileLayers {
    static final String OPTION = "volatile";

    private final OverlayLayout layout;

    VolatileLayers(OverlayLayout layout) {
        this.layout = layout;
    }

    Path incompatMark(String id) {
        return layout.work(id).resolve("work").resolve("incompat").resolve(OPTION);
    }

    /** Clears the mark of an earlier mount of {@code id} in this boot. */
    void allowRemount(String id) throws DriverException {
        Path mark = incompatMark(id);
        try {
            OverlayLayers.deleteTree(mark);
        } catch (IOException e) {
            throw DriverException.wrap("overlay", "clear the volatile mark of", id, mark, e);
        }
    }
}
