package io.jstore.driver.devmapper;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a pool's metadata file holds: the id of the last committed transaction, the next free
 * device id, and every device by name. Immutable: each change makes a new state with the
 * transaction id one higher, which {@link PoolStore#commit} writes atomically.
 */
record PoolState(int format, long transactionId, int nextDeviceId, SortedMap<String, ThinDevice> devices,
                 Pending pending) {
    static final int FORMAT = 1;
    /** dm-thin device ids are 24 bits wide; the reflink pool keeps the same limit. */
    static final int MAX_DEVICE_ID = (1 << 24) - 1;

    PoolState {
        devices = Collections.unmodifiableSortedMap(new TreeMap<>(devices == null ? new TreeMap<>() : devices));
    }

    /**
     * A change to a dm-thin pool in flight: committed here before the pool is sent its message,
     * and cleared in the commit that applies it. {@code transactionId} is the id the pool gets
     * once the message has taken effect; on open, the pool's own id says which side of the
     * message a crash fell on.
     */
    record Pending(String op, ThinDevice device, long transactionId) {
        static final String CREATE = "create";
        static final String SNAPSHOT = "snapshot";
        static final String DELETE = "delete";
    }

    static PoolState empty() {
        return new PoolState(FORMAT, 0, 1, new TreeMap<>(), null);
    }

    /** This state with {@code p} in flight (and its device id taken, so a retry never reuses it). */
    PoolState pending(Pending p) {
        return new PoolState(format, transactionId, Math.max(nextDeviceId, p.device().id() + 1), devices, p);
    }

    PoolState with(ThinDevice device) {
        TreeMap<String, ThinDevice> next = new TreeMap<>(devices);
        next.put(device.name(), device);
        return new PoolState(format, transactionId + 1, Math.max(nextDeviceId, device.id() + 1), next, null);
    }

    PoolState without(String name) {
        TreeMap<String, ThinDevice> next = new TreeMap<>(devices);
        next.remove(name);
        return new PoolState(format, transactionId + 1, nextDeviceId, next, null);
    }

    /** This state with nothing in flight and the transaction id unchanged: a change rolled back. */
    PoolState withoutPending() {
        return new PoolState(format, transactionId, nextDeviceId, devices, null);
    }

    /** Whether a device other than {@code name} was snapshotted from {@code name}. */
    boolean hasSnapshots(String name) {
        return devices.values().stream().anyMatch(d -> name.equals(d.origin()));
    }
}
