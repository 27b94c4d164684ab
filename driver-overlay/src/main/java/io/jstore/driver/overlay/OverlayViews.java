package io.jstore.driver.overlay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns a layer on disk into the {@link OverlayStack} that shows it. */
final class OverlayViews {
    private final OverlayLayout layout;
    private final List<String> baseOptions;

    /**
     * @param baseOptions options every overlay mount gets: {@code index=off} where the kernel
     *                    knows the word (as containerd does: with the inode index on, a lower
     *                    shared by many overlays can refuse to mount), then the user's words
     */
    OverlayViews(OverlayLayout layout, List<String> baseOptions) {
        this.layout = layout;
        this.baseOptions = List.copyOf(baseOptions);
    }

    static List<String> defaultOptions(Path moduleParameters, List<String> userOptions) {
        List<String> o = new ArrayList<>();
        if (Files.exists(moduleParameters.resolve("index"))) o.add("index=off");
        o.addAll(userOptions);
        return o;
    }

    List<String> baseOptions() {
        return baseOptions;
    }

    boolean isReadWrite(String id) {
        return Files.exists(layout.readWriteMarker(id));
    }

    /**
     * The layer's view: a read-write layer's diff is the upper; an image layer's is the top
     * lower. An ephemeral (read-write) layer mounts {@code volatile}.
     */
    OverlayStack stack(String id, boolean ephemeral) throws IOException {
        boolean rw = isReadWrite(id);
        List<String> links = new ArrayList<>();
        List<Path> lowers = new ArrayList<>();
        if (!rw) {
            links.add(OverlayLayout.LINKS + "/" + layout.link(id));
            lowers.add(layout.diff(id));
        }
        for (String link : layout.lowerLinks(id)) {
            links.add(link);
            lowers.add(layout.diff(layout.idOfLink(link)));
        }
        List<String> options = new ArrayList<>(baseOptions);
        if (rw && ephemeral) options.add(VolatileLayers.OPTION);
        return new OverlayStack(id, lowers, links, rw ? layout.diff(id) : null, rw ? layout.work(id) : null, options);
    }
}
