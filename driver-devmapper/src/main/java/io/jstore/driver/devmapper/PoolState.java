package io.jstore.driver.devmapper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a pool's metadata file holds: the id of the last committed transaction, the next free
 * device id, every device by name, and the devices deleted by name whose blocks wait for the
 * last holder of their block device to let go (dm-thin's deferred deletion). Immutable: each
 * change makes a new state with the transaction id one higher, which {@link PoolStore#commit}
 * writes atomically.
 */
record PoolState(int format, long transactionId, int nextDeviceId, SortedMap<String, ThinDevice> devices,
                 Pending pending, List<ThinDevice> deferred) {
    static final int FORMAT = 1;
    /** dm-thin device ids are 24 bits wide; the reflink pool keeps the same limit. */
    static final int MAX_DEVICE_ID = (1 << 24) - 1;

    PoolState {
        devices = Collections.unmodifiableSortedMap(new TreeMap<>(devices == null ? new TreeMap<>() : devices));
        deferred = deferred == null ? List.of() : List.copyOf(deferred);
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
        return new PoolState(FORMAT, 0, 1, new TreeMap<>(), null, List.of());
    }

    /** This state with {@code p} in flight (and its device id taken, so a retry never reuses it). */
    PoolState pending(Pending p) {
        return new PoolState(format, transactionId, Math.max(nextDeviceId, p.device().id() + 1), devices, p, deferred);
    }

    PoolState with(ThinDevice device) {
        TreeMap<String, ThinDevice> next = new TreeMap<>(devices);
        next.put(device.name(), device);
        return new PoolState(format, transactionId + 1, Math.max(nextDeviceId, device.id() + 1), next, null, deferred);
    }

    PoolState without(String name) {
        TreeMap<String, ThinDevice> next = new TreeMap<>(devices);
        next.remove(name);
        return new PoolState(format, transactionId + 1, nextDeviceId, next, null, deferred);
    }

    /** This state without {@code device}, by id: whether it still has its name or waits in {@link #deferred}. */
    PoolState without(ThinDevice device) {
        TreeMap<String, ThinDevice> next = new TreeMap<>(devices);
        next.remove(device.name(), device);
        List<ThinDevice> waiting = deferred.stream().filter(d -> d.id() != device.id()).toList();
        return new PoolState(format, transactionId + 1, nextDeviceId, next, null, waiting);
    }

    /**
     * This state with device {@code name} forgotten by name but kept in {@link #deferred}, the
     * transaction id unchanged: the pool itself has not changed, its deletion is still to come.
     */
    PoolState deferring(String name) {
        TreeMap<String, ThinDevice> next = new TreeMap<>(devices);
        ThinDevice d = next.remove(name);
        List<ThinDevice> waiting = new ArrayList<>(deferred);
        waiting.add(d);
        return new PoolState(format, transactionId, nextDeviceId, next, pending, waiting);
    }

    /** This state with nothing in flight and the transaction id unchanged: a change rolled back. */
    PoolState withoutPending() {
        return new PoolState(format, transactionId, nextDeviceId, devices, null, deferred);
    }

    /** Whether a device other than {@code name} was snapshotted from {@code name}. */
    boolean hasSnapshots(String name) {
        return devices.values().stream().anyMatch(d -> name.equals(d.origin()));
    }
}
