package io.jstore.graph;

import java.util.Map;

/**
 * A container: a read-write layer on an image's top layer (or on nothing).
 *
 * @param id      the caller's name for it
 * @param cacheId the driver's id of the read-write layer
 * @param image   the image id it was made from, null if none
 * @param layer   the ChainID it stacks on, null for an empty root
 * @param created epoch ms
 * @param state   free-form lifecycle word kept for the runtime ("created", "running", "exited")
 * @param config  the user's settings, kept for the runtime and engines
 */
public record ContainerRecord(String id, String cacheId, String image, String layer, long created, String state,
                              Map<String, String> config) {
    public ContainerRecord {
        if (id == null || cacheId == null) throw new IllegalArgumentException("container record needs id and cacheId");
        config = Map.copyOf(config);
    }

    public ContainerRecord withState(String newState) {
        return new ContainerRecord(id, cacheId, image, layer, created, newState, config);
    }
}
