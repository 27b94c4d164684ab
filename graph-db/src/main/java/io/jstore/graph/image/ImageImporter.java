package io.jstore.graph.image;

import io.jstore.graph.CrashPoints;
import io.jstore.graph.Graph;
import io.jstore.graph.GraphException;
import io.jstore.graph.ImageRecord;
import io.jstore.graph.LayerRecord;
import io.jstore.graph.LayerSource;
import io.jstore.graph.Lease;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jstore image import}: an OCI image layout (directory or tar), a docker-archive
 * (directory or tar), or a plain root filesystem tarball (plain, gzip or zstd) becoming a
 * one-layer image. Every digest is checked; the layers are registered under a lease and the
 * image is committed in one transaction, so a failure or a crash leaves nothing behind that
 * the next open or {@code gc} would not remove.
 */
public final class ImageImporter {
    private ImageImporter() {}

    /** What was imported. */
    public record Result(String format, ImageRecord image, List<LayerRecord> layers, List<String> names) {
        public Result {
            layers = List.copyOf(layers);
            names = List.copyOf(names);
        }
    }

    /**
     * Imports {@code path}. {@code names} tag the image (when empty, the names the archive
     * carries are used); with several images in an archive, the first name picks one.
     */
    public static Result importPath(Graph graph, Path path, List<String> names, ImportProgress progress)
            throws IOException {
        if (!Files.exists(path)) throw new GraphException.NotFoundException("import source", path.toString());
        try {
            if (Files.isDirectory(path)) {
                try (Blobs b = Blobs.of(path)) {
                    if (ArchiveReader.isOci(b)) return run(graph, b, ArchiveReader.oci(b, first(names)), names, progress);
                    if (ArchiveReader.isDocker(b)) return run(graph, b, ArchiveReader.docker(b, first(names)), names, progress);
                }
                return RootfsImporter.directory(graph, path, names, progress);
            }
            if (RootfsImporter.compressed(path)) return RootfsImporter.tarball(graph, path, names, progress);
            try (Blobs b = Blobs.of(path)) {
                if (ArchiveReader.isOci(b)) return run(graph, b, ArchiveReader.oci(b, first(names)), names, progress);
                if (ArchiveReader.isDocker(b)) return run(graph, b, ArchiveReader.docker(b, first(names)), names, progress);
            }
            return RootfsImporter.tarball(graph, path, names, progress);
        } finally {
            progress.done();
        }
    }

    private static String first(List<String> names) {
        return names.isEmpty() ? null : names.get(0);
    }

    private static Result run(Graph graph, Blobs blobs, ImagePlan plan, List<String> names, ImportProgress progress)
            throws IOException {
        List<String> tags = names.isEmpty() ? plan.names() : names;
        Lease lease = graph.beginLease();
        List<LayerRecord> layers = new ArrayList<>();
        boolean committed = false;
        try {
            String parent = null;
            int i = 0;
            for (ImagePlan.Layer l : plan.layers()) {
                progress.layer(i++, plan.layers().size(), l.blobDigest() != null ? l.blobDigest() : l.diffId(),
                        l.blobSize() > 0 ? l.blobSize() : Math.max(0, blobs.size(l.path())));
                try (InputStream in = counting(blobs.open(l.path()), progress)) {
                    LayerRecord r = graph.registerLayer(parent, in,
                            new LayerSource(l.diffId(), l.blobDigest(), l.blobSize()), false, lease);
                    layers.add(r);
                    parent = r.chainId();
                }
            }
            List<String> diffIds = plan.layers().stream().map(ImagePlan.Layer::diffId).toList();
            ImageRecord image = graph.commitImage(plan.config(), diffIds, plan.manifestDigest(), tags, lease);
            committed = true;
            CrashPoints.reach("image.committed");
            return new Result(plan.format(), image, layers, tags);
        } finally {
            if (!committed) abandon(graph, lease, layers);
        }
    }

    /** Ends the lease and removes, top first, the layers of a failed import that nothing else needs. */
    static void abandon(Graph graph, Lease lease, List<LayerRecord> layers) {
        try {
            graph.endLease(lease);
            for (int k = layers.size() - 1; k >= 0; k--) {
                try {
                    graph.removeLayer(layers.get(k).chainId(), 0);
                } catch (GraphException e) {
                    // in use by another image or import: it stays, as it should
                }
            }
        } catch (IOException | RuntimeException e) {
            // the lease dies with this process; gc removes the rest
        }
    }

    static InputStream counting(InputStream in, ImportProgress progress) {
        if (progress == ImportProgress.NONE) return in;
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) progress.bytes(1);
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) progress.bytes(n);
                return n;
            }
        };
    }

    static Instant now() {
        return Instant.now();
    }
}
