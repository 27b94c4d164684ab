package io.jstore.driver.devmapper;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a pool's metadata file holds: the id of the last committed transaction, the next free
 * device id, and every device by name. Immutable: each change makes a new state with the
 * transaction id one higher, which {@link PoolStore#commit} writes atomically.
 */
record PoolState(int format, long transactionId, int nextDeviceId, SortedMap<String, ThinDevice> devices) {
    static final int FORMAT = 1;
    /** dm-thin device ids are 24 bits wide; the reflink pool keeps the same limit. */
    static final int MAX_DEVICE_ID = (1 << 24) - 1;

    PoolState {
        devices = Collections.unmodifiableSortedMap(new TreeMap<>(devices == null ? new TreeMap<>() : devices));
    }

    static PoolState empty() {
        return new PoolState(FORMAT, 0, 1, new TreeMap<>());
    }

    PoolState with(ThinDevice device) {
        TreeMap<String, ThinDevice> next = new TreeMap<>(devices);
        next.put(device.name(), device);
        return new PoolState(format, transactionId + 1, Math.max(nextDeviceId, device.id() + 1), next);
    }

    PoolState without(String name) {
        TreeMap<String, ThinDevice> next = new TreeMap<>(devices);
        next.remove(name);
        return new PoolState(format, transactionId + 1, nextDeviceId, next);
    }

    /** Whether a device other than {@code name} was snapshotted from {@code name}. */
    boolean hasSnapshots(String name) {
        return devices.values().stream().anyMatch(d -> name.equals(d.origin()));
    }
}
