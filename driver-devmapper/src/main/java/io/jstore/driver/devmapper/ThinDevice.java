package io.jstore.driver.devmapper;

/**
 * A device of a {@link ThinPool}: the caller's name, the pool's numeric id, the size in
 * bytes, the device it was snapshotted from (null for a device created empty), and whether
 * it holds an ephemeral layer (which goes after a restart, so its creation and deletion need
 * not be durable).
 */
public record ThinDevice(String name, int id, long sizeBytes, String origin, boolean ephemeral) {
    public ThinDevice {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("device name is empty");
        if (id < 0) throw new IllegalArgumentException("negative device id " + id);
        if (sizeBytes <= 0) throw new IllegalArgumentException("device size must be positive: " + sizeBytes);
    }

    public ThinDevice(String name, int id, long sizeBytes, String origin) {
        this(name, id, sizeBytes, origin, false);
    }
}
