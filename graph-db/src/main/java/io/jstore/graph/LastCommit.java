package io.jstore.graph;

import io.jstore.linux.Fd;
import io.jstore.linux.SharedMapping;
import io.jstore.linux.SyscallException;

/**
 * The id of the newest transaction any process has committed to an LMDB environment, read from
 * its lock file without a call into LMDB. The lock file is LMDB's shared memory: its header
 * ({@code MDB_txninfo}) holds {@code mti_txnid}, which a committing writer sets before it
 * releases the writer mutex and which a beginning or renewed read transaction takes as its
 * snapshot's id. So while that word is unchanged a new read transaction would see the very
 * snapshot the last one saw. {@code Env.info()} gives the same id from the meta pages, but
 * lmdbjava allocates a native struct per call: about 0.3 µs here, as much as the renew it would
 * spare; this is one volatile load.
 *
 * <p>The word's offset is LMDB 0.9's layout: magic and lock format (two uint32), the reader
 * table's {@code pthread_mutex_t}, then the id. The magic, the lock version and the architecture
 * are checked at open; the id is trusted only once a read transaction began at the id read
 * around it, and every later read transaction this process begins checks it again (a commit
 * cannot check it: LMDB skips writing the meta page of a transaction that changed nothing, and
 * its id is used again). A contradiction turns it off for good, and reads then go through LMDB
 * as before.
 */
final class LastCommit {
    private static final int MAGIC = 0xBEEFC0DE;
    private static final int LOCK_VERSION = 1;

    private final SharedMapping header;
    private final int offset;
    private volatile boolean trusted;
    private volatile boolean contradicted;

    private LastCommit(SharedMapping header, int offset) {
        this.header = header;
        this.offset = offset;
    }

    /** The id of the lock file open as {@code lockFile} (kept open by the caller), or null where its layout is not the one this reads. */
    static LastCommit of(Fd lockFile) {
        int mutex = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> 40; // glibc's pthread_mutex_t
            case "aarch64" -> 48;
            default -> -1;
        };
        if (mutex < 0) return null;
        int offset = 8 + mutex;
        SharedMapping header;
        try {
            header = SharedMapping.map(lockFile, offset + 8);
        } catch (SyscallException e) {
            return null;
        }
        if (header.getInt(0) != MAGIC || (header.getInt(4) & 0xFFFF) != LOCK_VERSION) {
            release(header);
            return null;
        }
        return new LastCommit(header, offset);
    }

    /** The newest committed id, or -1 while it is not (or no longer) trusted. */
    long id() {
        return trusted ? word() : -1;
    }

    /** The word as it is now, trusted or not; read it before a transaction begins to {@link #confirm} it. */
    long word() {
        return header.getLongVolatile(offset);
    }

    /**
     * Checks the word against a read transaction's id: read {@code before} it began, the word
     * cannot be newer than the transaction's snapshot, and after it, not older.
     */
    void confirm(long before, long txnId) {
        if (contradicted) return;
        if (before <= txnId && txnId <= word()) {
            if (txnId > 0 && !trusted) trusted = true;
        } else {
            contradicted = true;
            trusted = false;
        }
    }

    /** Lets go of the lock file (its filesystem can be unmounted); the id is no longer trusted. */
    void close() {
        contradicted = true;
        trusted = false;
        release(header);
    }

    private static void release(SharedMapping header) {
        try {
            header.close();
        } catch (SyscallException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
