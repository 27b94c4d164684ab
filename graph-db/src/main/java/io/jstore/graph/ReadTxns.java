package io.jstore.graph;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * Idle read transactions of one environment, kept reset (mdb_txn_reset) for reuse. Beginning a
 * read transaction searches the reader table and allocates; renewing a reset one only publishes
 * the newest committed txn id in the slot it already owns, so a renewed transaction sees every
 * commit of every process made before it. MDB_NOTLS (GraphDb's env flag) is what lets a reset
 * transaction move to another thread.
 *
 * <p>A reset transaction keeps its reader slot but pins no pages. At most {@link #MAX_IDLE} are
 * kept, so a burst of threads does not hold reader slots once it is over.
 */
final class ReadTxns {
    static final int MAX_IDLE = 16;

    private final ConcurrentLinkedDeque<Txn<ByteBuffer>> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    /** A renewed idle transaction, or null if there is none (or it cannot be renewed now). */
    Txn<ByteBuffer> renewIdle() {
        Txn<ByteBuffer> txn = idle.pollFirst();
        if (txn == null) return null;
        idleCount.decrementAndGet();
        try {
            txn.renew();
            return txn;
        } catch (LmdbException e) {
            // MDB_MAP_RESIZED and the like: LMDB has ended it already; reset() makes lmdbjava agree,
            // and the caller's fresh begin deals with the cause.
            txn.reset();
            park(txn);
            return null;
        }
    }

    /** Ends a read transaction: reset and kept if there is room, else aborted. */
    void release(Txn<ByteBuffer> txn) {
        if (idleCount.incrementAndGet() <= MAX_IDLE) {
            txn.reset();
            idle.offerFirst(txn);
        } else {
            idleCount.decrementAndGet();
            txn.close();
        }
    }

    private void park(Txn<ByteBuffer> txn) {
        if (idleCount.incrementAndGet() <= MAX_IDLE) {
            idle.offerFirst(txn);
        } else {
            idleCount.decrementAndGet();
            abort(txn);
        }
    }

    /** Aborts every idle transaction; the environment must have no reader running. */
    void closeAll() {
        for (Txn<ByteBuffer> txn; (txn = idle.pollFirst()) != null; ) {
            idleCount.decrementAndGet();
            abort(txn);
        }
    }

    // lmdbjava's close() skips mdb_txn_abort for a reset transaction, leaking its slot and memory.
    private static void abort(Txn<ByteBuffer> txn) {
        try {
            txn.renew();
        } catch (LmdbException e) {
            return; // ended by LMDB; env close frees this process's slots
        }
        txn.close();
    }
}
