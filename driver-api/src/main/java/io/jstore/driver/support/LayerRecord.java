package io.jstore.driver.support;

/**
 * What the shared machinery knows of a layer.
 *
 * @param id        the layer id
 * @param parent    the parent's id, or null for a base layer
 * @param readWrite whether it was made by {@code createReadWrite}
 * @param complete  false while it is being made or removed (the incomplete marker is present)
 * @param ephemeral whether it was made ephemeral ({@link io.jstore.driver.CreateOptions#ephemeral()}):
 *                  mounted without the syncs durability costs, and gone after a restart
 */
public record LayerRecord(String id, String parent, boolean readWrite, boolean complete, boolean ephemeral) {}
