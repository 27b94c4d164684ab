package io.jstore.graph.image;

import io.jstore.graph.CrashPoints;
import io.jstore.graph.Graph;
import io.jstore.graph.ImageRecord;
import io.jstore.graph.LayerRecord;
import io.jstore.graph.LayerSource;
import io.jstore.graph.Lease;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A plain root filesystem (a tarball, or a directory tarred on the fly) as a one-layer image. */
final class RootfsImporter {
    private RootfsImporter() {}

    static boolean compressed(Path file) throws IOException {
        return Graph.compressed(file);
    }

    static ImageImporter.Result tarball(Graph graph, Path file, List<String> names, ImportProgress progress)
            throws IOException {
        progress.layer(0, 1, file.getFileName().toString(), Files.size(file));
        try (InputStream in = ImageImporter.counting(Files.newInputStream(file), progress)) {
            return one(graph, in, names);
        }
    }

    static ImageImporter.Result directory(Graph graph, Path dir, List<String> names, ImportProgress progress)
            throws IOException {
        progress.layer(0, 1, dir.toString(), 0);
        try (InputStream in = ImageImporter.counting(new TreeTarStream(dir), progress)) {
            return one(graph, in, names);
        }
    }

    private static ImageImporter.Result one(Graph graph, InputStream tar, List<String> names) throws IOException {
        Lease lease = graph.beginLease();
        List<LayerRecord> layers = new ArrayList<>();
        boolean committed = false;
        try {
            LayerRecord r = graph.registerLayer(null, tar, LayerSource.UNKNOWN, false, lease);
            layers.add(r);
            byte[] config = Rootfs.config(r.diffId(), ImageImporter.now());
            ImageRecord image = graph.commitImage(config, List.of(r.diffId()), null, names, lease);
            committed = true;
            CrashPoints.reach("image.committed");
            return new ImageImporter.Result("rootfs", image, layers, names);
        } finally {
            if (!committed) ImageImporter.abandon(graph, lease, layers);
        }
    }
}
