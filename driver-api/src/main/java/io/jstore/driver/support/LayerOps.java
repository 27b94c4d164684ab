package io.jstore.driver.support;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.DriverException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The state changes of {@link AbstractDriver}, each under the layer's lock and in the order
 * that lets {@link AbstractDriver#repair} finish any of them after a crash. Locks are taken
 * child before parent, never the other way, so two operations cannot deadlock.
 */
final class LayerOps {
    private final AbstractDriver d;

    LayerOps(AbstractDriver d) {
        this.d = d;
    }

    private String name() {
        return d.name();
    }

    void create(String id, String parent, boolean readWrite, CreateOptions options) throws DriverException {
        d.home.checkId(id);
        if (parent != null) {
            d.home.checkId(parent);
            if (parent.equals(id)) throw new DriverException.InvalidIdException(id, "a layer cannot be its own parent");
        }
        if (options.ephemeral() && !readWrite) {
            throw new DriverException(name() + ": layer " + id + ": only a read-write layer can be ephemeral", id, null);
        }
        try (LayerLock l = d.home.lock(id)) {
            Optional<LayerRecord> old = d.records.read(id);
            if (old.isPresent()) {
                if (old.get().complete()) throw new DriverException.ExistsException(name(), id, d.mountPoint(id));
                discard(id, old.get()); // a crashed creator's leftovers: we hold the lock, nobody is making it
            }
            LayerRecord rec = new LayerRecord(id, parent, readWrite, false, options.ephemeral());
            try {
                // inside: a full filesystem can refuse the record itself (btrfs, out of metadata
                // space), and then the lock file must go as well
                d.records.begin(id, parent, readWrite, options.ephemeral());
                if (parent != null) {
                    try (LayerLock p = d.home.lock(parent)) {
                        Optional<LayerRecord> pr = d.records.read(parent);
                        if (pr.isEmpty() || !pr.get().complete()) throw new DriverException.NotFoundException(name(), parent);
                        if (pr.get().ephemeral() && !options.ephemeral()) {
                            throw new DriverException(name() + ": layer " + id + ": its parent " + parent
                                    + " is ephemeral, so it must be too (a restart removes the parent)", id, null);
                        }
                        d.records.addChild(parent, id);
                    }
                }
                d.createLayer(id, rec, options);
                d.records.publish(id);
            } catch (IOException | RuntimeException e) {
                try {
                    discard(id, rec);
                    l.deleteFile();
                } catch (IOException | RuntimeException c) {
                    e.addSuppressed(c); // the record stays marked: the next open removes the rest
                }
                throw e;
            }
        } catch (IOException e) {
            throw Failures.map(name(), "create", id, d.mountPoint(id), e);
        }
    }

    void remove(String id) throws DriverException {
        d.home.checkId(id);
        try (LayerLock l = d.home.lock(id)) {
            Optional<LayerRecord> r = d.records.read(id);
            if (r.isEmpty() || !r.get().complete()) throw new DriverException.NotFoundException(name(), id);
            int held = d.mounts.count(id);
            if (held > 0) throw new DriverException.LayerInUseException(name(), id, "mounted (" + held + " references)");
            List<String> children = d.records.children(id);
            if (!children.isEmpty()) {
                throw new DriverException.LayerInUseException(name(), id, "parent of " + String.join(", ", children));
            }
            d.records.markIncomplete(id);
            discard(id, r.get());
            l.deleteFile();
        } catch (IOException e) {
            throw Failures.map(name(), "remove", id, d.mountPoint(id), e);
        }
    }

    Path get(String id, ProcessIdentity holder) throws DriverException {
        LayerRecord r = d.require(id);
        try (LayerLock l = d.home.lock(id)) {
            if (!d.records.complete(id)) throw new DriverException.NotFoundException(name(), id);
            d.mounts.acquire(id, holder);
            try {
                // also when others hold it: their mount may be in another namespace, or gone
                if (!d.isMounted(id)) d.mountLayer(id, r);
            } catch (IOException | RuntimeException e) {
                d.mounts.release(id, holder);
                throw e;
            }
            return d.mountPoint(id);
        } catch (IOException e) {
            throw Failures.map(name(), "get", id, d.mountPoint(id), e);
        }
    }

    void put(String id, ProcessIdentity holder) throws DriverException {
        d.home.checkId(id);
        try (LayerLock l = d.home.lock(id)) {
            if (d.records.read(id).isEmpty()) throw new DriverException.NotFoundException(name(), id);
            int left = d.mounts.release(id, holder);
            if (left < 0) {
                throw new DriverException(name() + ": put of " + id + " without a get by "
                        + (holder.equals(ProcessIdentity.STORE) ? "the store (getDetached)" : "this process"),
                        id, d.mountPoint(id));
            }
            if (left == 0 && d.isMounted(id)) d.unmountLayer(id);
        } catch (IOException e) {
            throw Failures.map(name(), "put", id, d.mountPoint(id), e);
        }
    }

    /**
     * Applies a layer tar with the layer locked. A layer whose apply failed is half-written,
     * so it is marked incomplete and removed; if that is impossible now (mounted), the mark
     * stays and the next open removes it.
     */
    long apply(String id, String parent, InputStream in) throws DriverException {
        try (LayerLock l = d.home.lock(id)) {
            LayerRecord r = d.require(id);
            try {
                return d.applyLayer(id, parent, in);
            } catch (IOException | RuntimeException e) {
                try {
                    d.records.markIncomplete(id);
                    if (d.mounts.count(id) == 0) {
                        discard(id, r);
                        l.deleteFile();
                    }
                } catch (IOException | RuntimeException c) {
                    e.addSuppressed(c);
                }
                throw e;
            }
        } catch (IOException e) {
            throw Failures.map(name(), "apply diff to", id, d.mountPoint(id), e);
        }
    }

    void forceUnmount(String id) throws DriverException {
        try (LayerLock l = d.home.lock(id)) {
            if (d.isMounted(id)) d.unmountLayer(id);
            d.mounts.clear(id);
        } catch (IOException e) {
            throw Failures.map(name(), "cleanup", id, d.mountPoint(id), e);
        }
    }

    void repair(String id, List<String> removed, List<String> unmounted) throws DriverException {
        try (LayerLock l = d.home.lock(id)) {
            Optional<LayerRecord> r = d.records.read(id);
            if (r.isEmpty()) return; // removed meanwhile
            if (!r.get().complete()) {
                discard(id, r.get());
                l.deleteFile();
                removed.add(id);
                return;
            }
            if (d.mounts.count(id) == 0 && d.isMounted(id)) {
                d.unmountLayer(id);
                unmounted.add(id);
            }
            for (String child : d.records.children(id)) {
                if (d.records.read(child).isEmpty()) d.records.removeChild(id, child);
            }
        } catch (IOException e) {
            throw Failures.map(name(), "repair", id, d.home.record(id), e);
        }
    }

    /**
     * Removes an ephemeral layer made before the machine last started, if it still is one and
     * has no children left (they go first: they were made on it, so they are ephemeral too).
     */
    boolean discardStaleEphemeral(String id) throws DriverException {
        try (LayerLock l = d.home.lock(id)) {
            Optional<LayerRecord> r = d.records.read(id);
            if (r.isEmpty() || !d.records.ephemeralOfEarlierBoot(id) || !d.records.children(id).isEmpty()) return false;
            d.records.markIncomplete(id);
            discard(id, r.get());
            l.deleteFile();
            return true;
        } catch (IOException e) {
            throw Failures.map(name(), "repair", id, d.home.record(id), e);
        }
    }

    /**
     * Deletes a layer whose record is marked incomplete (or not yet published): its mounts,
     * its storage, its note in the parent, then the record, which is what makes it gone.
     */
    private void discard(String id, LayerRecord r) throws IOException {
        if (d.isMounted(id)) d.unmountLayer(id);
        d.mounts.clear(id);
        d.removeLayer(id);
        if (r.parent() != null) {
            try (LayerLock p = d.home.lock(r.parent())) {
                if (d.records.read(r.parent()).isPresent()) d.records.removeChild(r.parent(), id);
            }
        }
        d.records.delete(id);
    }
}
