package io.jstore.driver.devmapper;

import io.jstore.linux.Fd;
import io.jstore.linux.FileClone;
import io.jstore.linux.FileStat;
import io.jstore.linux.Filesystems;
import io.jstore.linux.LoopDevice;
import io.jstore.linux.SyscallException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A thin pool for kernels without device-mapper: a directory on a filesystem that shares
 * extents (xfs with reflink=1, btrfs). Each device is a sparse image file
 * {@code devices/<id>.img}; a snapshot is a {@code FICLONE} of its origin's image, so the
 * filesystem does the block-level copy-on-write dm-thin would; activating a device binds a
 * loop device to its image (direct I/O, so the pool filesystem's page cache holds no second
 * copy of what the device's own filesystem caches).
 *
 * <p>Crash safety: an image is made before the metadata naming it is committed, and the
 * metadata forgets a device before its image is unlinked (unless the pool filesystem is too
 * full for the metadata write). So a crash leaves an image no metadata names, which
 * {@link #open} deletes, a device whose image is gone, which it forgets, or a metadata commit
 * that never happened. An ephemeral device's creation and deletion skip the directory syncs
 * that order those steps on the disk (two of the three fsyncs each, and every fsync here is a
 * flush of the devices below): after a crash either order is one of those same repairs, and
 * its layer goes after the restart anyway. The metadata file itself is still synced before it
 * replaces the old one, since it names every other device too.
 *
 * <p>Loop devices are bound with autoclear: one this object attached goes away when it is
 * deactivated or this pool is closed, or, if a filesystem on it is still mounted, when that
 * is unmounted. A device another holder keeps bound is found by its backing file and reused
 * (and held open from then on, so it stays bound while this pool uses it), never bound twice
 * (two loop devices over one image would be two filesystems writing the same blocks).
 */
public final class ReflinkPool implements ThinPool {
    private static final String DEVICES = "devices";
    private static final long ALIGN = 4096;
    // fixed, so that every binding of an image shows its filesystem the sector size mkfs saw
    private static final int BLOCK_SIZE = 4096;

    private final Path dir;
    private final PoolStore store;
    private final PoolLock lock;
    private final List<String> repairs = new ArrayList<>();
    private final Map<String, LoopDevice> held = new HashMap<>();

    private ReflinkPool(Path dir) {
        this.dir = dir;
        this.store = new PoolStore(dir);
        this.lock = new PoolLock(dir.resolve("lock"));
    }

    /** Why {@code dir} cannot hold a reflink pool, or empty when it can. {@code dir} must exist. */
    public static Optional<String> whyNot(Path dir) {
        try {
            Filesystems.Features f = Filesystems.probe(dir);
            if (f.reflink()) return Optional.empty();
            return Optional.of(dir + " is on " + f.type() + ", which cannot clone files (FICLONE);"
                    + " the reflink pool needs xfs with reflink=1 or btrfs");
        } catch (SyscallException e) {
            return Optional.of("cannot probe " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Opens the pool in {@code dir} (created if missing), after repairing what a crash left:
     * an interrupted metadata commit, images no metadata names, devices whose image is gone.
     */
    public static ReflinkPool open(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        Files.createDirectories(abs.resolve(DEVICES));
        Optional<String> why = whyNot(abs);
        if (why.isPresent()) throw new PoolException.UnsupportedException(abs, why.get());
        ReflinkPool pool = new ReflinkPool(abs);
        try (PoolLock.Held l = pool.lock.acquire()) {
            pool.repair();
        }
        return pool;
    }

    private void repair() throws IOException {
        if (store.removeUncommitted()) repairs.add("dropped an uncommitted metadata write");
        PoolState state = store.load();
        Map<Integer, ThinDevice> byId = new HashMap<>();
        for (ThinDevice d : state.devices().values()) byId.put(d.id(), d);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve(DEVICES))) {
            for (Path p : ds) {
                Integer id = imageId(p);
                if (id != null && byId.containsKey(id)) continue;
                if (!LoopDevice.boundTo(p).isEmpty()) {
                    repairs.add("kept " + p + ": no device names it, but a loop device is bound to it");
                    continue;
                }
                Files.delete(p);
                repairs.add("deleted " + p + ": no device names it");
            }
        }
        PoolState fixed = state;
        for (ThinDevice d : state.devices().values()) {
            if (!Files.exists(image(d))) {
                fixed = fixed.without(d.name());
                repairs.add("forgot device " + d.name() + ": its image " + image(d) + " is gone");
            }
        }
        if (fixed != state) store.commit(fixed);
        PoolStore.syncDirectory(dir.resolve(DEVICES));
    }

    private static Integer imageId(Path p) {
        String n = p.getFileName().toString();
        if (!n.endsWith(".img")) return null;
        try {
            return Integer.parseInt(n.substring(0, n.length() - 4));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** What {@link #open} repaired, one line each; empty after a clean shutdown. */
    public List<String> repairs() {
        return List.copyOf(repairs);
    }

    /** The pool's directory. */
    public Path directory() {
        return dir;
    }

    /** The image file behind {@code name}. */
    public Path image(String name) throws IOException {
        return image(existing(store.load(), name));
    }

    private Path image(ThinDevice d) {
        return dir.resolve(DEVICES).resolve(d.id() + ".img");
    }

    @Override
    public String kind() {
        return "reflink";
    }

    @Override
    public ThinDevice create(String name, long sizeBytes) throws IOException {
        if (sizeBytes <= 0 || sizeBytes % ALIGN != 0) {
            throw new IllegalArgumentException("device size must be a positive multiple of " + ALIGN + ": " + sizeBytes);
        }
        try (PoolLock.Held l = lock.acquire()) {
            PoolState state = store.load();
            ThinDevice d = new ThinDevice(name, newId(state, name), sizeBytes, null);
            Path img = image(d);
            try (Fd fd = Fd.open(img, Fd.O_RDWR | Fd.O_CREAT | Fd.O_EXCL, 0600)) {
                FileClone.truncate(fd, sizeBytes);
            }
            return committed(state, d, img);
        }
    }

    @Override
    public ThinDevice snapshot(String name, String origin, boolean ephemeral) throws IOException {
        try (PoolLock.Held l = lock.acquire()) {
            PoolState state = store.load();
            ThinDevice from = existing(state, origin);
            ThinDevice d = new ThinDevice(name, newId(state, name), from.sizeBytes(), origin, ephemeral);
            Path img = image(d);
            try (Fd src = Fd.open(image(from), Fd.O_RDONLY);
                 Fd dst = Fd.open(img, Fd.O_WRONLY | Fd.O_CREAT | Fd.O_EXCL, 0600)) {
                FileClone.clone(src, dst);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(img);
                throw e;
            }
            return committed(state, d, img);
        }
    }

    private ThinDevice committed(PoolState state, ThinDevice d, Path img) throws IOException {
        try {
            if (!d.ephemeral()) PoolStore.syncDirectory(img.getParent());
            store.commit(state.with(d), !d.ephemeral());
            return d;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(img);
            throw e;
        }
    }

    private int newId(PoolState state, String name) throws PoolException {
        if (state.devices().containsKey(name)) throw new PoolException.DeviceExistsException(dir, name);
        if (state.nextDeviceId() > PoolState.MAX_DEVICE_ID) {
            throw new PoolException(dir, "out of device ids (" + PoolState.MAX_DEVICE_ID + " used)");
        }
        return state.nextDeviceId();
    }

    private ThinDevice existing(PoolState state, String name) throws PoolException {
        ThinDevice d = state.devices().get(name);
        if (d == null) throw new PoolException.NoSuchDeviceException(dir, name);
        return d;
    }

    @Override
    public void delete(String name) throws IOException {
        try (PoolLock.Held l = lock.acquire()) {
            PoolState state = store.load();
            ThinDevice d = existing(state, name);
            Optional<Path> active = inUseHere(d);
            if (active.isPresent()) throw new PoolException.DeviceActiveException(dir, name, active.get());
            try {
                store.commit(state.without(name), !d.ephemeral());
            } catch (IOException e) {
                if (!isNoSpace(e)) throw e;
                // a full pool filesystem has no room for the new metadata: free the image first
                // (a crash now leaves metadata naming a device without image, which open forgets)
                Files.deleteIfExists(image(d));
                store.commit(state.without(name), !d.ephemeral());
            }
            Files.deleteIfExists(image(d));
            if (!d.ephemeral()) PoolStore.syncDirectory(image(d).getParent());
        }
    }

    private static boolean isNoSpace(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SyscallException.NoSpaceException) return true;
            if (c.getMessage() != null && c.getMessage().contains("No space left on device")) return true;
        }
        return false;
    }

    @Override
    public Path activate(String name) throws IOException {
        try (PoolLock.Held l = lock.acquire()) {
            ThinDevice d = existing(store.load(), name);
            LoopDevice loop = held.get(name);
            if (loop != null) return loop.path();
            loop = holdExisting(d).orElse(null);
            if (loop == null) loop = LoopDevice.attach(image(d), false, true, BLOCK_SIZE);
            held.put(name, loop);
            return loop.path();
        }
    }

    /**
     * The device's binding by another holder (a mount, perhaps a copy of one in another mount
     * namespace, or another process's activation), held from now on by this pool too: that
     * holder may let go at any moment, and autoclear would unbind the device under the mount
     * about to be made of it (the benchmarks' rare EIO from mount).
     */
    private Optional<LoopDevice> holdExisting(ThinDevice d) throws IOException {
        for (int n : LoopDevice.boundTo(image(d))) {
            Optional<LoopDevice> loop = LoopDevice.openBound(n, image(d));
            if (loop.isPresent()) return loop;
        }
        return Optional.empty();
    }

    /**
     * Releases this pool's binding of the device. Every binding a pool makes carries
     * autoclear, so one that another holder keeps (a mount, another process's activation)
     * goes with that holder's last close, and asking the kernel to unbind it now would do
     * no more (LOOP_CLR_FD on a device others hold open only sets autoclear): so there is
     * nothing to look up, which keeps get and put free of scans of every loop device.
     */
    @Override
    public void deactivate(String name) throws IOException {
        try (PoolLock.Held l = lock.acquire()) {
            existing(store.load(), name);
            LoopDevice mine = held.remove(name);
            if (mine != null) mine.close();
        }
    }

    @Override
    public Optional<Path> activePath(String name) throws IOException {
        try (PoolLock.Held l = lock.acquire()) {
            return bound(existing(store.load(), name));
        }
    }

    private Optional<Path> bound(ThinDevice d) {
        LoopDevice mine = held.get(d.name());
        if (mine != null) return Optional.of(mine.path());
        return LoopDevice.boundTo(image(d)).stream().findFirst().map(ReflinkPool::loopPath);
    }

    /**
     * The device's loop device if it is active: activated (by this pool or another process's)
     * or holding a filesystem mounted in this mount namespace. A binding held only by a mount
     * in another namespace does not count: a copy of the device's mount that another namespace
     * took (every unshare of a mount namespace on the machine copies all mounts, and this
     * host's root mount propagates no unmount to them) holds it until that namespace goes, and
     * may never be reachable from here. Deleting such a device unlinks its image; the kernel
     * keeps the inode until the copy lets go and autoclear unbinds the loop device then, as
     * Docker's deferred deletion does for dm devices.
     */
    private Optional<Path> inUseHere(ThinDevice d) throws IOException {
        LoopDevice mine = held.get(d.name());
        if (mine != null) return Optional.of(mine.path());
        List<Integer> loops = LoopDevice.boundTo(image(d));
        if (loops.isEmpty()) return Optional.empty();
        for (int n : loops) {
            if (DeviceUse.mountedHere(deviceNumber(n)) || !DeviceUse.mountedSomewhere(loopPath(n))) {
                return Optional.of(loopPath(n));
            }
        }
        return Optional.empty();
    }

    private static String deviceNumber(int loop) throws IOException {
        try {
            return Files.readString(Path.of("/sys/block/loop" + loop + "/dev"), StandardCharsets.US_ASCII).strip();
        } catch (java.nio.file.NoSuchFileException e) {
            return ""; // unbound and removed meanwhile
        }
    }

    private static Path loopPath(int n) {
        return Path.of("/dev/loop" + n);
    }

    @Override
    public Optional<ThinDevice> device(String name) throws IOException {
        return Optional.ofNullable(store.load().devices().get(name));
    }

    @Override
    public List<ThinDevice> list() throws IOException {
        return List.copyOf(store.load().devices().values());
    }

    /** Bytes the pool filesystem has allocated for {@code name}'s image, shared extents included. */
    public long allocatedBytes(String name) throws IOException {
        return FileStat.of(image(name)).blocks() * 512;
    }

    @Override
    public PoolUsage usage() throws IOException {
        Filesystems.StatFs fs = Filesystems.statfs(dir);
        long total = fs.blocks() * fs.blockSize();
        // what is still available, not what is free: btrfs counts as free chunk space its data
        // cannot use, and the reserved blocks of other filesystems are not ours either
        long used = (fs.blocks() - fs.blocksAvailable()) * fs.blockSize();
        return new PoolUsage(used, total, store.size(), total);
    }

    @Override
    public long transactionId() throws IOException {
        return store.load().transactionId();
    }

    @Override
    public void close() throws IOException {
        try (PoolLock.Held l = lock.acquire()) {
            closeHeld();
        }
    }

    private void closeHeld() throws IOException {
        IOException first = null;
        for (LoopDevice loop : held.values()) {
            try {
                loop.close();
            } catch (IOException e) {
                if (first == null) first = e; else first.addSuppressed(e);
            }
        }
        held.clear();
        if (first != null) throw first;
    }

    @Override
    public String toString() {
        return "reflink pool at " + dir;
    }
}
