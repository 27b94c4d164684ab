package io.jstore.driver.devmapper;

import io.jstore.linux.Busy;
import io.jstore.linux.DeviceMapper;
import io.jstore.linux.LoopDevice;
import io.jstore.linux.SyscallException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's thin-provisioning target: one {@code thin-pool} device over a metadata and a
 * data device (sparse files on loop devices by default), thin devices made with the pool's
 * {@code create_thin}/{@code create_snap}/{@code delete} messages and activated with a
 * {@code thin} table, all through {@link DeviceMapper}'s ioctls.
 *
 * <p>The kernel's pool metadata and jstore's {@code pool.json} are two stores that must agree.
 * Every change is: commit the change as pending (with the transaction id it will have), send
 * the message, {@code set_transaction_id old new}, commit the change as done. On open, the
 * pool's transaction id says whether a pending change took effect: equal to the pending id,
 * it did and is applied; one lower, it is undone (a created device deleted again, a deletion
 * finished), so whatever point a crash hit, the two agree again.
 *
 * <p>Deferred removal and deletion (Docker's {@code dm.use_deferred_removal} and
 * {@code dm.use_deferred_deletion}): a thin device whose filesystem is still mounted only in
 * another mount namespace (every unshare of a mount namespace copies all mounts, and this
 * host's private root mount never unmounts the copies) cannot be removed or deleted now. Its
 * dm device is removed when the copy lets go (the kernel's deferred remove), and
 * {@link #delete} forgets its name at once and keeps it in {@code pool.json} as deferred; the
 * pool's {@code delete} message follows on the first change or open after the dm device has
 * gone, with the usual crash protocol.
 *
 * <p>Names: the pool is {@code jstore-<h>-pool} and device N {@code jstore-<h>-N}, where
 * {@code <h>} is a digest of the pool directory, so pools of two homes never meet.
 */
public final class DmThinPool implements ThinPool {
    /** 64 KiB: dm-thin's usual block size; the unit of sharing and of copy-on-write. */
    static final int BLOCK_SECTORS = 128;
    private static final long METADATA_BLOCK = 4096;
    private static final long POOL_REMOVE_PATIENCE_MILLIS = 5_000;

    private final Path dir;
    private final String prefix;
    private final PoolStore store;
    private final PoolLock lock;
    private final CrashPoints crash;

    /** Where a test stops a change half-way, as a crash would. */
    interface CrashPoints {
        CrashPoints NONE = point -> {};

        void reached(String point);
    }

    private DmThinPool(Path dir, CrashPoints crash) {
        this.dir = dir;
        this.prefix = "jstore-" + digest(dir);
        this.store = new PoolStore(dir);
        this.lock = new PoolLock(dir.resolve("lock"));
        this.crash = crash;
    }

    /** Why this host cannot run a dm-thin pool, or empty when it can. */
    public static Optional<String> whyNot() {
        if (!DeviceMapper.available()) {
            return Optional.of(DeviceMapper.CONTROL + " is missing (kernel without device-mapper, CONFIG_BLK_DEV_DM)");
        }
        try {
            if (DeviceMapper.targetTypes().stream().anyMatch(t -> t.name().equals("thin-pool"))) return Optional.empty();
        } catch (SyscallException e) {
            return Optional.of("cannot list device-mapper targets: " + e.getMessage());
        }
        // the kernel loads a target's module on the first table that names it
        Path modules = Path.of("/lib/modules", System.getProperty("os.version"), "modules.dep");
        try {
            if (Files.readString(modules).contains("dm-thin-pool.ko")) return Optional.empty();
        } catch (IOException e) {
            // no module list: only a loaded target counts
        }
        return Optional.of("the kernel has no thin-pool target (CONFIG_DM_THIN_PROVISIONING)");
    }

    /**
     * Opens the pool in {@code dir} (files {@code metadata.img} and {@code data.img} made
     * sparse there on first use, {@code dataBytes} of data space), activating the pool device
     * if no process has, and repairing what a crash between the kernel's metadata and
     * jstore's left.
     */
    public static DmThinPool open(Path dir, long dataBytes, long metadataBytes) throws IOException {
        return open(dir, dataBytes, metadataBytes, CrashPoints.NONE);
    }

    static DmThinPool open(Path dir, long dataBytes, long metadataBytes, CrashPoints crash) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        Files.createDirectories(abs);
        Optional<String> why = whyNot();
        if (why.isPresent()) throw new PoolException.UnsupportedException(abs, why.get());
        DmThinPool pool = new DmThinPool(abs, crash);
        try (PoolLock.Held l = pool.lock.acquire()) {
            pool.activatePool(dataBytes, metadataBytes);
            pool.repair();
            pool.deleteDeferred();
        }
        return pool;
    }

    private String poolName() {
        return prefix + "-pool";
    }

    private String thinName(ThinDevice d) {
        return prefix + "-" + d.id();
    }

    private void activatePool(long dataBytes, long metadataBytes) throws IOException {
        Optional<DeviceMapper.Info> live = DeviceMapper.info(poolName());
        if (live.isPresent() && live.get().activeTable()) return;
        if (live.isPresent()) DeviceMapper.remove(poolName(), false); // a table load that never finished
        Path meta = sparse(dir.resolve("metadata.img"), metadataBytes);
        Path data = sparse(dir.resolve("data.img"), dataBytes);
        long sectors = Files.size(data) / 512 / BLOCK_SECTORS * BLOCK_SECTORS;
        // error_if_no_space: a full pool fails writes at once (the default queues them for 60 s);
        // the pool's table holds both loop devices open, so they outlive our descriptors
        // (autoclear unbinds them when the pool device goes)
        try (LoopDevice m = LoopDevice.attach(meta, false, false); LoopDevice d = LoopDevice.attach(data, false, false)) {
            DeviceMapper.create(poolName(), prefix.toUpperCase() + "-POOL");
            try {
                DeviceMapper.load(poolName(), List.of(new DeviceMapper.Target(0, sectors, "thin-pool",
                        devNo(m) + " " + devNo(d) + " " + BLOCK_SECTORS + " 0 1 error_if_no_space")));
                DeviceMapper.resume(poolName());
            } catch (IOException e) {
                DeviceMapper.remove(poolName(), false);
                throw e;
            }
        }
    }

    private static Path sparse(Path file, long size) throws IOException {
        if (!Files.exists(file)) {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(size);
            }
        }
        return file;
    }

    private static String devNo(LoopDevice loop) throws IOException {
        return Files.readString(Path.of("/sys/block/loop" + loop.number() + "/dev"), StandardCharsets.US_ASCII).strip();
    }

    /** The pool's status line: {@code <transaction id> <used>/<total> metadata blocks <used>/<total> data blocks ...}. */
    private String[] poolStatus() throws IOException {
        List<DeviceMapper.Target> t = DeviceMapper.status(poolName());
        if (t.size() != 1 || !t.get(0).type().equals("thin-pool")) {
            throw new PoolException.CorruptException(dir, poolName() + " is not a thin pool: " + t, null);
        }
        String[] f = t.get(0).params().trim().split(" ");
        if (f.length < 3 || f[0].equals("Fail")) {
            throw new PoolException.CorruptException(dir, poolName() + " has failed: " + t.get(0).params(), null);
        }
        return f;
    }

    private long kernelTransactionId() throws IOException {
        return Long.parseLong(poolStatus()[0]);
    }

    private void repair() throws IOException {
        store.removeUncommitted();
        PoolState s = store.load();
        long kernel = kernelTransactionId();
        PoolState.Pending p = s.pending();
        if (p == null) {
            if (kernel != s.transactionId()) {
                throw new PoolException.CorruptException(dir, "the pool's transaction id is " + kernel
                        + " but jstore's metadata has " + s.transactionId() + " and nothing in flight", null);
            }
            return;
        }
        if (kernel == p.transactionId()) {
            store.commit(applied(s, p));
            return;
        }
        if (kernel != s.transactionId()) {
            throw new PoolException.CorruptException(dir, "the pool's transaction id " + kernel + " is neither "
                    + s.transactionId() + " nor the pending " + p.transactionId(), null);
        }
        // the message may or may not have reached the pool before the crash
        tryMessage("delete " + p.device().id());
        if (p.op().equals(PoolState.Pending.DELETE)) {
            setTransactionId(s.transactionId(), p.transactionId());
            store.commit(applied(s, p));
        } else {
            store.commit(s.withoutPending());
        }
    }

    private static PoolState applied(PoolState s, PoolState.Pending p) {
        PoolState done = p.op().equals(PoolState.Pending.DELETE) ? s.without(p.device()) : s.with(p.device());
        return done;
    }

    private void tryMessage(String message) {
        try {
            DeviceMapper.message(poolName(), 0, message);
        } catch (SyscallException e) {
            // a device that was never made (or already deleted): nothing to undo
        }
    }

    private void setTransactionId(long from, long to) throws IOException {
        DeviceMapper.message(poolName(), 0, "set_transaction_id " + from + " " + to);
    }

    /** One change: pending commit, the pool's message, its transaction id, the done commit. */
    private void change(PoolState s, PoolState.Pending p, String message) throws IOException {
        store.commit(s.pending(p));
        crash.reached("pending");
        sendMessage(message);
        crash.reached("message");
        setTransactionId(s.transactionId(), p.transactionId());
        crash.reached("transaction");
        store.commit(applied(s, p));
    }

    /**
     * A thin device whose dm device has just gone can still be held open by the kernel for a
     * moment (the last close of an unmount settling), and dm-thin refuses to delete an open
     * device with EBUSY: retry that briefly instead of failing the remove.
     */
    private void sendMessage(String message) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                DeviceMapper.message(poolName(), 0, message);
                return;
            } catch (io.jstore.linux.SyscallException.BusyException e) {
                if (!message.startsWith("delete ") || attempt >= 100) throw e;
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public String kind() {
        return "dm-thin";
    }

    @Override
    public ThinDevice create(String name, long sizeBytes) throws IOException {
        if (sizeBytes <= 0 || sizeBytes % 4096 != 0) {
            throw new IllegalArgumentException("device size must be a positive multiple of 4096: " + sizeBytes);
        }
        try (PoolLock.Held l = lock.acquire()) {
            deleteDeferred();
            PoolState s = store.load();
            ThinDevice d = new ThinDevice(name, newId(s, name), sizeBytes, null);
            change(s, new PoolState.Pending(PoolState.Pending.CREATE, d, s.transactionId() + 1), "create_thin " + d.id());
            return d;
        }
    }

    @Override
    public ThinDevice snapshot(String name, String origin, boolean ephemeral) throws IOException {
        try (PoolLock.Held l = lock.acquire()) {
            deleteDeferred();
            PoolState s = store.load();
            ThinDevice from = existing(s, origin);
            ThinDevice d = new ThinDevice(name, newId(s, name), from.sizeBytes(), origin, ephemeral);
            PoolState.Pending p = new PoolState.Pending(PoolState.Pending.SNAPSHOT, d, s.transactionId() + 1);
            // an active origin is suspended, which flushes its filesystem and holds its I/O,
            // so the snapshot is of a consistent device
            boolean active = DeviceMapper.info(thinName(from)).isPresent();
            if (active) DeviceMapper.suspend(thinName(from));
            try {
                change(s, p, "create_snap " + d.id() + " " + from.id());
            } finally {
                if (active) DeviceMapper.resume(thinName(from));
            }
            return d;
        }
    }

    private int newId(PoolState s, String name) throws PoolException {
        if (s.devices().containsKey(name)) throw new PoolException.DeviceExistsException(dir, name);
        if (s.nextDeviceId() > PoolState.MAX_DEVICE_ID) throw new PoolException(dir, "out of thin device ids");
        return s.nextDeviceId();
    }

    private ThinDevice existing(PoolState s, String name) throws PoolException {
        ThinDevice d = s.devices().get(name);
        if (d == null) throw new PoolException.NoSuchDeviceException(dir, name);
        return d;
    }

    @Override
    public void delete(String name) throws IOException {
        try (PoolLock.Held l = lock.acquire()) {
            deleteDeferred();
            PoolState s = store.load();
            ThinDevice d = existing(s, name);
            Optional<DeviceMapper.Info> live = DeviceMapper.info(thinName(d));
            if (live.isPresent()) {
                DeviceMapper.Info i = live.get();
                if (i.openCount() == 0 || DeviceUse.mountedHere(i.devNo()) || !DeviceUse.mountedSomewhere(i.path())) {
                    throw new PoolException.DeviceActiveException(dir, name, i.path());
                }
                // mounted only in another namespace: the dm device goes with that mount, the blocks after it
                removeDeferred(thinName(d));
                store.commit(s.deferring(name));
                return;
            }
            change(s, new PoolState.Pending(PoolState.Pending.DELETE, d, s.transactionId() + 1), "delete " + d.id());
        }
    }

    /**
     * Sends the pool the {@code delete} of each deferred device whose dm device has gone;
     * returns how many still wait. The caller holds the pool's lock.
     */
    private int deleteDeferred() throws IOException {
        int waiting = 0;
        for (ThinDevice d : store.load().deferred()) {
            Optional<DeviceMapper.Info> live = DeviceMapper.info(thinName(d));
            if (live.isPresent() && live.get().openCount() == 0) {
                removeDeferred(thinName(d)); // nobody has it open: this removes it at once
                live = DeviceMapper.info(thinName(d));
            }
            if (live.isPresent()) {
                waiting++;
                continue;
            }
            PoolState s = store.load();
            change(s, new PoolState.Pending(PoolState.Pending.DELETE, d, s.transactionId() + 1), "delete " + d.id());
        }
        return waiting;
    }

    /** {@link #deleteDeferred} under the pool's lock, for tests that wait for a deferred deletion. */
    int deleteDeferredNow() throws IOException {
        try (PoolLock.Held l = lock.acquire()) {
            return deleteDeferred();
        }
    }

    /** The dm device removed now if nobody has it open, else by the kernel at its last close. */
    private static void removeDeferred(String dmName) throws SyscallException {
        try {
            DeviceMapper.remove(dmName, true);
        } catch (SyscallException e) {
            if (e.errno() != io.jstore.linux.Errno.ENXIO) throw e; // gone meanwhile
        }
    }

    @Override
    public Path activate(String name) throws IOException {
        try (PoolLock.Held l = lock.acquire()) {
            ThinDevice d = existing(store.load(), name);
            Optional<DeviceMapper.Info> live = DeviceMapper.info(thinName(d));
            if (live.isPresent() && live.get().activeTable()) {
                // a removal deferred at a put may be pending, waiting only for a copy of the mount
                // in another namespace: that copy's end would remove the device under this caller
                DeviceMapper.message(thinName(d), 0, "@cancel_deferred_remove");
                return live.get().path();
            }
            if (live.isEmpty()) DeviceMapper.create(thinName(d), thinName(d).toUpperCase());
            String pool = DeviceMapper.info(poolName()).orElseThrow(() -> new PoolException(dir, poolName() + " is gone"))
                    .devNo();
            try {
                DeviceMapper.load(thinName(d), List.of(new DeviceMapper.Target(0, d.sizeBytes() / 512, "thin",
                        pool + " " + d.id())));
                return DeviceMapper.resume(thinName(d)).path();
            } catch (IOException e) {
                DeviceMapper.remove(thinName(d), false);
                throw e;
            }
        }
    }

    /** Removes the device's dm device; a mounted one goes when it is unmounted (deferred remove). */
    @Override
    public void deactivate(String name) throws IOException {
        try (PoolLock.Held l = lock.acquire()) {
            ThinDevice d = existing(store.load(), name);
            if (DeviceMapper.info(thinName(d)).isEmpty()) return;
            removeDeferred(thinName(d));
        }
    }

    @Override
    public Optional<Path> activePath(String name) throws IOException {
        try (PoolLock.Held l = lock.acquire()) {
            return DeviceMapper.info(thinName(existing(store.load(), name))).map(DeviceMapper.Info::path);
        }
    }

    @Override
    public Optional<ThinDevice> device(String name) throws IOException {
        return Optional.ofNullable(store.load().devices().get(name));
    }

    @Override
    public List<ThinDevice> list() throws IOException {
        return List.copyOf(store.load().devices().values());
    }

    @Override
    public PoolUsage usage() throws IOException {
        String[] f = poolStatus();
        String[] meta = f[1].split("/");
        String[] data = f[2].split("/");
        long block = BLOCK_SECTORS * 512L;
        return new PoolUsage(Long.parseLong(data[0]) * block, Long.parseLong(data[1]) * block,
                Long.parseLong(meta[0]) * METADATA_BLOCK, Long.parseLong(meta[1]) * METADATA_BLOCK);
    }

    @Override
    public long transactionId() throws IOException {
        return store.load().transactionId();
    }

    /** The pool's own transaction id, as the kernel reports it. */
    long poolTransactionId() throws IOException {
        return kernelTransactionId();
    }

    /**
     * Removes the pool device (and so its loop devices); every thin device must be inactive.
     * The pool's files stay: the next open activates it again.
     */
    public void deactivatePool() throws IOException {
        try (PoolLock.Held l = lock.acquire()) {
            // a thin device's deferred remove (deactivate after put) may still be finishing
            Busy.retry(POOL_REMOVE_PATIENCE_MILLIS, () -> {
                if (DeviceMapper.info(poolName()).isPresent()) DeviceMapper.remove(poolName(), false);
            });
        } catch (SyscallException.BusyException e) {
            throw new PoolException(dir, poolName() + " is still in use by " + activeThinDevices(), e);
        }
    }

    private List<String> activeThinDevices() throws IOException {
        List<String> active = new java.util.ArrayList<>();
        PoolState s = store.load();
        for (ThinDevice d : s.devices().values()) {
            DeviceMapper.info(thinName(d)).ifPresent(i -> active.add(i.name() + " (open " + i.openCount() + ")"));
        }
        for (ThinDevice d : s.deferred()) {
            DeviceMapper.info(thinName(d)).ifPresent(i -> active.add(i.name() + " (deferred, open " + i.openCount() + ")"));
        }
        return active;
    }

    /** The pool stays active for other users; nothing to release. */
    @Override
    public void close() {}

    @Override
    public String toString() {
        return "dm-thin pool " + poolName() + " at " + dir;
    }

    private static String digest(Path dir) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(dir.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
