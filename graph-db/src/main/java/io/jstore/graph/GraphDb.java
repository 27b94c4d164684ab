package io.jstore.graph;

import io.jstore.linux.Fd;
import io.jstore.linux.SyscallException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.lmdbjava.ByteBufferProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * The graph's database: one LMDB environment in {@code <dir>} (data.mdb, lock.mdb) holding
 * the named databases {@code layers}, {@code cache}, {@code children}, {@code images},
 * {@code names}, {@code containers}, {@code incomplete}, {@code mounts}, {@code leases}, {@code splits} (the
 * tar-splits layers were imported with, by ChainID) and {@code meta}.
 *
 * <p>LMDB gives many readers and one writer across processes (its lock file holds a robust
 * mutex, so a writer killed mid-transaction loses its transaction and nothing else). Nothing
 * here touches a driver; {@link Graph} orders driver work around these transactions.
 *
 * <p>The map is a sparse file that starts at {@link #DEFAULT_MAP_SIZE}; a write that fills it
 * is retried after the map doubles, and a process that sees another one's growth adopts it.
 */
public final class GraphDb implements AutoCloseable {
    /** Sparse, so cheap on disk; 10^5 layers take about 40 MiB. */
    public static final long DEFAULT_MAP_SIZE = 1L << 30;

    private static final Map<Path, ReentrantLock> JVM_STORE_LOCKS = new ConcurrentHashMap<>();

    private final Path dir;
    private final Env<ByteBuffer> env;
    // Resizing the map needs every transaction of this process closed: transactions hold the read side.
    private final ReentrantReadWriteLock resize = new ReentrantReadWriteLock();
    private volatile long mapSize;
    private final ReadTxns readTxns = new ReadTxns();
    final LayerCache layerCache = new LayerCache();
    private final Fd lockFile; // null where it could not be opened
    private final LastCommit lastCommit; // null where LMDB's lock file is not the layout it reads
    private volatile boolean closed;

    final Dbi<ByteBuffer> layers;
    final Dbi<ByteBuffer> cache;
    final Dbi<ByteBuffer> children;
    final Dbi<ByteBuffer> images;
    final Dbi<ByteBuffer> names;
    final Dbi<ByteBuffer> containers;
    final Dbi<ByteBuffer> incomplete;
    final Dbi<ByteBuffer> mounts;
    final Dbi<ByteBuffer> leases;
    final Dbi<ByteBuffer> splits;
    final Dbi<ByteBuffer> meta;

    /** A function of a read view. */
    @FunctionalInterface
    public interface ReadFn<R> {
        R apply(GraphTxn txn) throws IOException;
    }

    /** A function of a write transaction; it commits if this returns, aborts if it throws. */
    @FunctionalInterface
    public interface WriteFn<R> {
        R apply(GraphTxn txn) throws IOException;
    }

    private GraphDb(Path dir, long mapSize) throws GraphException {
        this.dir = dir;
        this.mapSize = mapSize;
        try {
            Files.createDirectories(dir);
            // NOTLS: read transactions are not tied to threads, so a snapshot may move between threads.
            env = Env.create(ByteBufferProxy.PROXY_OPTIMAL).setMapSize(mapSize).setMaxDbs(16).setMaxReaders(512)
                    .open(dir.toFile(), EnvFlags.MDB_NOTLS);
        } catch (IOException | LmdbException e) {
            throw new GraphException("cannot open graph database at " + dir + ": " + e.getMessage(), e);
        }
        try {
            layers = env.openDbi("layers", DbiFlags.MDB_CREATE);
            cache = env.openDbi("cache", DbiFlags.MDB_CREATE);
            children = env.openDbi("children", DbiFlags.MDB_CREATE, DbiFlags.MDB_DUPSORT);
            images = env.openDbi("images", DbiFlags.MDB_CREATE);
            names = env.openDbi("names", DbiFlags.MDB_CREATE);
            containers = env.openDbi("containers", DbiFlags.MDB_CREATE);
            incomplete = env.openDbi("incomplete", DbiFlags.MDB_CREATE);
            mounts = env.openDbi("mounts", DbiFlags.MDB_CREATE);
            leases = env.openDbi("leases", DbiFlags.MDB_CREATE);
            splits = env.openDbi("splits", DbiFlags.MDB_CREATE);
            meta = env.openDbi("meta", DbiFlags.MDB_CREATE);
        } catch (LmdbException e) {
            env.close();
            throw new GraphException.CorruptException("graph database at " + dir + " cannot open its tables: " + e.getMessage(), e);
        }
        // Slots of readers that died (kill -9) would otherwise pin old pages forever.
        env.readerCheck();
        // Open until the environment is closed: closing any descriptor of lock.mdb drops this
        // process's POSIX locks on it, LMDB's mark that the store is in use among them.
        lockFile = openLockFile(dir);
        lastCommit = lockFile == null ? null : LastCommit.of(lockFile);
    }

    private static Fd openLockFile(Path dir) {
        try {
            return Fd.open(dir.resolve("lock.mdb"), Fd.O_RDONLY);
        } catch (SyscallException e) {
            return null;
        }
    }

    /** Opens (creating if missing) the database in {@code dir}. */
    public static GraphDb open(Path dir) throws GraphException {
        return open(dir, DEFAULT_MAP_SIZE);
    }

    /** Opens with a chosen initial map size; tests use a small one to exercise growth. */
    public static GraphDb open(Path dir, long initialMapSize) throws GraphException {
        return new GraphDb(dir, initialMapSize);
    }

    public Path dir() {
        return dir;
    }

    /** The current map size in bytes. */
    public long mapSize() {
        return mapSize;
    }

    /**
     * Runs {@code fn} on a read snapshot: the newest commit of any process when it starts. The
     * transaction is reused by later reads (see {@link ReadTxns}), so {@code fn} must not keep it.
     *
     * <p>Layer lookups the {@link LayerCache} holds for the newest commit ({@link LastCommit}
     * says which that is) are answered without an LMDB transaction; one begins at the first
     * question the cache cannot answer. Should another commit land between the two, {@code fn}
     * runs again on one snapshot, so it must have no effect beyond its result before its last
     * layer lookup.
     */
    public <R> R read(ReadFn<R> fn) throws IOException {
        LayerCache.Generation newest = newestLayers();
        if (newest != null) {
            GraphTxn view = new GraphTxn(this, newest);
            try {
                R r = fn.apply(view);
                if (!view.stale()) return r;
            } catch (GraphTxn.BeginFailed e) {
                throw e.getCause();
            } catch (IOException | RuntimeException e) {
                if (!view.stale()) throw e;
            } finally {
                Txn<ByteBuffer> begun = view.begun();
                if (begun != null) endRead(begun);
            }
        }
        Txn<ByteBuffer> txn = beginRead();
        try {
            return fn.apply(new GraphTxn(this, txn));
        } finally {
            endRead(txn);
        }
    }

    /** The cache of the newest commit of any process, or null when that cannot be known without LMDB. */
    private LayerCache.Generation newestLayers() {
        if (lastCommit == null || closed) return null;
        long id = lastCommit.id();
        return id < 0 ? null : layerCache.of(id);
    }

    /** A renewed or new read transaction for a lazy read, with the resize read lock held. */
    Txn<ByteBuffer> beginLazyRead() throws GraphException {
        return beginRead();
    }

    private void endRead(Txn<ByteBuffer> txn) {
        try {
            readTxns.release(txn);
        } finally {
            resize.readLock().unlock();
        }
    }

    /**
     * Runs {@code fn} in a write transaction and commits. Writers of all processes take turns;
     * keep {@code fn} short and never do driver work inside it. A thread holding a
     * {@link Snapshot} must not write (the map may need to grow, which waits for snapshots).
     */
    public <R> R write(WriteFn<R> fn) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Txn<ByteBuffer> txn = begin(true);
            try (txn) {
                R r = fn.apply(new GraphTxn(this, txn));
                txn.commit();
                return r;
            } catch (Env.MapFullException e) {
                if (attempt >= 20) throw new GraphException("graph database at " + dir + " cannot grow past " + mapSize, e);
            } catch (LmdbException e) {
                throw new GraphException("graph database at " + dir + ": " + e.getMessage(), e);
            } finally {
                resize.readLock().unlock();
            }
            grow();
        }
    }

    /**
     * A read snapshot held open for many lookups (listing, benchmarks); close it promptly,
     * since LMDB cannot reuse pages a snapshot still sees.
     */
    public Snapshot snapshot() throws GraphException {
        return new Snapshot(begin(false));
    }

    /** A long-lived read view; closing it releases the snapshot. */
    public final class Snapshot implements AutoCloseable {
        private final Txn<ByteBuffer> txn;
        private final GraphTxn view;

        private Snapshot(Txn<ByteBuffer> txn) {
            this.txn = txn;
            this.view = new GraphTxn(GraphDb.this, txn);
        }

        public GraphTxn view() {
            return view;
        }

        @Override
        public void close() {
            try {
                txn.close();
            } finally {
                resize.readLock().unlock();
            }
        }
    }

    /**
     * The store-wide lock serialising repair passes and GC across processes and threads.
     * Ordinary reads and writes do not take it.
     */
    public StoreLock lockStore() throws GraphException {
        ReentrantLock jvm = JVM_STORE_LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), p -> new ReentrantLock());
        jvm.lock();
        try {
            FileChannel ch = FileChannel.open(dir.resolve("store.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                return new StoreLock(jvm, ch, ch.lock());
            } catch (IOException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            jvm.unlock();
            throw new GraphException("cannot lock graph store " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The store lock if no one holds it now, else empty: for work that another holder makes
     * unnecessary (the repair every open runs is skipped while a gc or fsck is at it).
     */
    public java.util.Optional<StoreLock> tryLockStore() throws GraphException {
        ReentrantLock jvm = JVM_STORE_LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), p -> new ReentrantLock());
        if (!jvm.tryLock()) return java.util.Optional.empty();
        try {
            FileChannel ch = FileChannel.open(dir.resolve("store.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            if (l == null) {
                ch.close();
                jvm.unlock();
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new StoreLock(jvm, ch, l));
        } catch (IOException e) {
            jvm.unlock();
            throw new GraphException("cannot lock graph store " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Held store lock. */
    public static final class StoreLock implements AutoCloseable {
        private final ReentrantLock jvm;
        private final FileChannel channel;
        private final FileLock lock;

        private StoreLock(ReentrantLock jvm, FileChannel channel, FileLock lock) {
            this.jvm = jvm;
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() throws GraphException {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                throw new GraphException("cannot release store lock: " + e.getMessage(), e);
            } finally {
                jvm.unlock();
            }
        }
    }

    /** Begins a transaction with the resize read lock held; the caller unlocks after closing it. */
    private Txn<ByteBuffer> begin(boolean write) throws GraphException {
        for (int attempt = 0; ; attempt++) {
            resize.readLock().lock();
            try {
                if (write) return env.txnWrite();
                long before = lastCommit == null ? 0 : lastCommit.word();
                Txn<ByteBuffer> txn = env.txnRead();
                if (lastCommit != null) lastCommit.confirm(before, txn.getId());
                return txn;
            } catch (Dbi.MapResizedException e) {
                resize.readLock().unlock();
                if (attempt >= 3) throw new GraphException("graph database at " + dir + " keeps resizing", e);
                // Another process grew the map: adopt its size (0 = the size the file now has).
                resize(0);
            } catch (LmdbException e) {
                resize.readLock().unlock();
                throw new GraphException("graph database at " + dir + ": cannot begin transaction: " + e.getMessage(), e);
            }
        }
    }

    private Txn<ByteBuffer> beginRead() throws GraphException {
        resize.readLock().lock();
        long before = lastCommit == null ? 0 : lastCommit.word();
        Txn<ByteBuffer> txn = readTxns.renewIdle();
        if (txn != null) {
            if (lastCommit != null) lastCommit.confirm(before, txn.getId());
            return txn;
        }
        resize.readLock().unlock();
        return begin(false);
    }

    private void grow() {
        resize(mapSize * 2);
    }

    // LMDB allows mdb_env_set_mapsize only while this process has no transaction open.
    private void resize(long size) {
        resize.writeLock().lock();
        try {
            env.setMapSize(size);
            mapSize = env.info().mapSize;
        } finally {
            resize.writeLock().unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        resize.writeLock().lock();
        try {
            readTxns.closeAll();
            env.close();
            if (lastCommit != null) lastCommit.close();
            if (lockFile != null) lockFile.close();
        } finally {
            resize.writeLock().unlock();
        }
    }
}
