package io.jstore.driver.overlay;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.DriverException;
import io.jstore.driver.MountSpec;
import io.jstore.driver.support.AbstractDriver;
import io.jstore.driver.support.DriverHome;
import io.jstore.driver.support.LayerLock;
import io.jstore.driver.support.LayerRecord;
import io.jstore.layer.Change;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The overlay driver: each layer is a directory of its own changes, and a layer's view is the
 * kernel's overlay of them ({@link OverlayLayout}). Image layers are lowers; a container's
 * layer is the upper, so a write copies the file up into it and a diff reads only it.
 *
 * <p>The contract around the layers (locks, records, reference-counted mounts shared by
 * processes, crash repair) is {@link AbstractDriver}'s; this class adds what is overlay's:
 * the directories, the stacks and how they mount ({@link OverlayMounter}: {@code lowerdir+}
 * or mount(2)), the native diff and the overlay-form apply ({@link OverlayDiffs}), and
 * ephemeral read-write layers mounted {@code volatile} ({@link VolatileLayers}).
 */
final class OverlayDriver extends AbstractDriver {
    static final String NAME = "overlay";

    private final OverlayOptions options;
    private final OverlayLayout layout;
    private final OverlayLayers layers;
    private final OverlayViews views;
    private final OverlayMounter mounter;
    private final OverlayDiffs diffs;
    private final VolatileLayers volatiles;

    OverlayDriver(Path home, OverlayOptions options) throws DriverException {
        super(DriverHome.of(NAME, home, Set.of(OverlayLayout.LINKS)));
        this.options = options;
        Path dir = home().toAbsolutePath();
        try {
            Files.createDirectories(dir.resolve(OverlayLayout.LINKS));
        } catch (IOException e) {
            throw DriverException.wrap(NAME, "open", "-", dir, e);
        }
        this.layout = new OverlayLayout(dir);
        this.layers = new OverlayLayers(layout);
        this.views = new OverlayViews(layout, OverlayViews.defaultOptions(NativeDiffCheck.PARAMETERS, options.mountOptions()));
        this.mounter = new OverlayMounter(dir, mountApi(options, dir));
        this.diffs = new OverlayDiffs(layout, NativeDiffCheck.untrusted(NativeDiffCheck.PARAMETERS, views.baseOptions()));
        this.volatiles = new VolatileLayers(layout);
    }

    private static OverlayMounter.Api mountApi(OverlayOptions options, Path home) throws DriverException {
        boolean plus = OverlayMounter.kernelHasLowerdirPlus(home);
        return switch (options.mountApi()) {
            case AUTO -> plus ? OverlayMounter.Api.LOWERDIR_PLUS : OverlayMounter.Api.LEGACY;
            case LEGACY -> OverlayMounter.Api.LEGACY;
            case LOWERDIR_PLUS -> {
                if (!plus) {
                    throw new DriverException.UnsupportedException(NAME, OverlayOptions.MOUNT_API
                            + "=lowerdir+ asked for, but this kernel's overlay has no lowerdir+ (Linux 6.8+)");
                }
                yield OverlayMounter.Api.LOWERDIR_PLUS;
            }
        };
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The mount call in use, for tests and status. */
    OverlayMounter.Api mountApi() {
        return mounter.api();
    }

    OverlayDiffs diffs() {
        return diffs;
    }

    OverlayLayout layout() {
        return layout;
    }

    // ---------------------------------------------------------------- layers

    @Override
    protected void createLayer(String id, LayerRecord record, CreateOptions options) throws IOException {
        if (options.hasSize()) {
            throw new DriverException("overlay: layer " + id + ": size limits are not supported (they need xfs"
                    + " project quotas on the backing fs, which this driver does not set)", id, layout.layer(id));
        }
        layers.create(id, record.parent(), record.readWrite());
    }

    @Override
    protected void removeLayer(String id) throws IOException {
        layers.remove(id);
    }

    @Override
    protected void repairDriver() throws IOException {
        for (String id : layers.leftovers()) {
            if (!home.validId(id)) continue;
            try (LayerLock l = home.lock(id)) {
                layers.sweep(id);
            }
        }
    }

    // ---------------------------------------------------------------- mounts

    @Override
    protected List<MountSpec> mountSpecs(String id, LayerRecord record) throws IOException {
        if (record.ephemeral()) volatiles.allowRemount(id);
        return views.stack(id, record.ephemeral()).specs();
    }

    @Override
    protected Path mountPoint(String id) {
        return layout.merged(id);
    }

    @Override
    protected void mountLayer(String id, LayerRecord record) throws IOException {
        if (record.ephemeral()) volatiles.allowRemount(id);
        mounter.mount(views.stack(id, record.ephemeral()), layout.merged(id));
    }

    @Override
    protected void unmountLayer(String id) throws IOException {
        OverlayMounter.unmount(id, layout.merged(id));
    }

    // ---------------------------------------------------------------- diff family

    @Override
    protected void writeDiff(String id, String parent, OutputStream out) throws IOException {
        if (diffs.isNative(id, parent)) diffs.diff(id, out);
        else super.writeDiff(id, parent, out);
    }

    @Override
    protected List<Change> listChanges(String id, String parent) throws IOException {
        return diffs.isNative(id, parent) ? diffs.changes(id) : super.listChanges(id, parent);
    }

    @Override
    protected long sizeOfDiff(String id, String parent) throws IOException {
        return diffs.isNative(id, parent) ? diffs.diffSize(id) : super.sizeOfDiff(id, parent);
    }

    /**
     * Into the diff dir in overlay form; but a mounted layer's upper must not change under the
     * kernel's feet (overlay's rule for its layers while mounted), so then through the view.
     */
    @Override
    protected long applyLayer(String id, String parent, InputStream in) throws IOException {
        if (mounts.count(id) > 0 || isMounted(id)) return super.applyLayer(id, parent, in);
        return diffs.apply(id, in);
    }

    // ---------------------------------------------------------------- facts

    @Override
    protected Map<String, String> statusDetails() throws IOException {
        int volatileLayers = 0;
        for (String id : records.ids()) {
            if (records.read(id).filter(r -> r.complete() && r.ephemeral()).isPresent()) volatileLayers++;
        }
        return OverlayStatus.details(OverlayProbe.backing(home()), mounter.api(), diffs.naiveReason(),
                views.baseOptions(), volatileLayers);
    }

    @Override
    protected Map<String, String> layerMetadata(String id, LayerRecord record) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("diff", layout.diff(id).toString());
        m.put("work", layout.work(id).toString());
        m.put("merged", layout.merged(id).toString());
        m.put("link", layout.link(id));
        m.put("lowers", Integer.toString(layout.lowerLinks(id).size()));
        m.put("nativeDiff", Boolean.toString(diffs.isNative(id, record.parent())));
        return m;
    }
}
