package io.jstore.driver.overlay;

import io.jstore.driver.DriverException;
import io.jstore.layer.Layers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The overlay driver's parts wired together under one home, without the driver's shared
 * machinery: views are mounted at {@code ID/merged} and counted here, in this JVM only.
 * {@link #close} unmounts whatever a failing test left mounted.
 */
final class OverlayStore implements AutoCloseable, OverlayDiffs.Views {
    final Path home;
    final OverlayLayout layout;
    final OverlayLayers layers;
    final OverlayViews views;
    final OverlayMounter mounter;
    final OverlayDiffs diffs;
    private final Map<String, Integer> mounted = new HashMap<>();

    OverlayStore(Path home, List<String> mountOptions) throws IOException {
        this.home = Files.createDirectories(home);
        layout = new OverlayLayout(home);
        layers = new OverlayLayers(layout);
        views = new OverlayViews(layout, OverlayViews.defaultOptions(NativeDiffCheck.PARAMETERS, mountOptions));
        mounter = new OverlayMounter(home, OverlayMounter.kernelHasLowerdirPlus(home)
                ? OverlayMounter.Api.LOWERDIR_PLUS : OverlayMounter.Api.LEGACY);
        diffs = new OverlayDiffs(layout, this, NativeDiffCheck.untrusted(NativeDiffCheck.PARAMETERS, mountOptions));
    }

    @Override
    public Path acquire(String id) throws DriverException {
        int n = mounted.getOrDefault(id, 0);
        if (n == 0) {
            try {
                mounter.mount(views.stack(id), layout.merged(id));
            } catch (IOException e) {
                throw DriverException.wrap("overlay", "mount", id, layout.merged(id), e);
            }
        }
        mounted.put(id, n + 1);
        return layout.merged(id);
    }

    @Override
    public void release(String id) throws DriverException {
        int n = mounted.getOrDefault(id, 0);
        if (n <= 1) {
            mounted.remove(id);
            OverlayMounter.unmount(id, layout.merged(id));
        } else {
            mounted.put(id, n - 1);
        }
    }

    /** An image layer on {@code parent} holding the OCI layer {@code tar}. */
    void image(String id, String parent, byte[] tar) throws IOException {
        layers.create(id, parent, false, false);
        diffs.apply(id, new ByteArrayInputStream(tar));
    }

    byte[] diff(String id, String parent) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        diffs.diff(id, parent, out);
        return out.toByteArray();
    }

    /** The naive diff tar of two trees (null lower: the whole of {@code upper}). */
    static byte[] naiveTar(Path lower, Path upper) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Layers.diff(lower, upper, out);
        return out.toByteArray();
    }

    Optional<String> naiveReason() {
        return diffs.naiveReason();
    }

    @Override
    public void close() throws IOException {
        List<IOException> failures = new ArrayList<>();
        for (String id : List.copyOf(mounted.keySet())) {
            try {
                OverlayMounter.unmount(id, layout.merged(id));
            } catch (IOException e) {
                failures.add(e);
            }
        }
        mounted.clear();
        if (!failures.isEmpty()) throw failures.get(0);
    }
}
