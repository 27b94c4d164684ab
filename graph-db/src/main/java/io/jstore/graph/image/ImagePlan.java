package io.jstore.graph.image;

import java.util.List;

/**
 * What an archive says an image is, read and digest-checked before any layer is touched.
 *
 * @param format         "oci", "docker-archive" or "rootfs"
 * @param config         the raw config bytes (null for a rootfs: it is written after the DiffID is known)
 * @param manifestDigest the manifest's digest, null if the format has none
 * @param layers         base first
 * @param names          names the archive carries ({@code RepoTags}, {@code org.opencontainers.image.ref.name})
 */
record ImagePlan(String format, byte[] config, String manifestDigest, List<Layer> layers, List<String> names) {
    ImagePlan {
        layers = List.copyOf(layers);
        names = List.copyOf(names);
    }

    /**
     * One layer to register.
     *
     * @param path       where its bytes are inside the archive
     * @param blobDigest the digest of those bytes, when the format names one
     * @param blobSize   their size, 0 if unknown
     * @param diffId     the DiffID from the config, null for a rootfs
     */
    record Layer(String path, String blobDigest, long blobSize, String diffId) {}
}
