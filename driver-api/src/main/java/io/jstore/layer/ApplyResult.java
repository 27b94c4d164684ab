package io.jstore.layer;

/**
 * What applying a layer read.
 *
 * @param uncompressedBytes bytes of the uncompressed tar, end padding included
 * @param diffId            {@code sha256:<hex>} of those bytes: the layer's OCI DiffID; null when
 *                          {@link ApplyOptions#digest()} was false
 * @param entries           tar entries applied (whiteouts and markers included)
 */
public record ApplyResult(long uncompressedBytes, String diffId, long entries) {}
