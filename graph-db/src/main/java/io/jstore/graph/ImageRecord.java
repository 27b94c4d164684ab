package io.jstore.graph;

import java.util.List;

/**
 * An image, keyed by the digest of its config.
 *
 * @param id             {@code sha256:} of the raw config bytes
 * @param config         the raw config JSON, byte for byte as imported (its digest is {@code id})
 * @param diffIds        the layers' DiffIDs, base first
 * @param topChainId     the ChainID of the last layer (the image's root filesystem), null for an image with no layers
 * @param manifestDigest the manifest it was imported from, null if none (plain rootfs)
 * @param created        epoch ms of import
 */
public record ImageRecord(String id, String config, List<String> diffIds, String topChainId,
                          String manifestDigest, long created) {
    public ImageRecord {
        if (id == null || config == null) throw new IllegalArgumentException("image record needs id and config");
        diffIds = List.copyOf(diffIds);
    }
}
