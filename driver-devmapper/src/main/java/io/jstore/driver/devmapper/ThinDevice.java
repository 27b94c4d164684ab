package io.jstore.driver.devmapper;

/**
 * A device of a {@link ThinPool}: the caller's name, the pool's numeric id, the size in
 * bytes, and the device it was snapshotted from (null for a device created empty).
 */
public record ThinDevice(String name, int id, long sizeBytes, String origin) {
    public ThinDevice {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("device name is empty");
        if (id < 0) throw new IllegalArgumentException("negative device id " + id);
        if (sizeBytes <= 0) throw new IllegalArgumentException("device size must be positive: " + sizeBytes);
    }
}
