package io.jstore.driver.devmapper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pool's lock across threads and processes: a thread lock (a JVM cannot take a file lock
 * twice) around an exclusive flock-style lock on {@code <pool>/lock}, which the kernel
 * drops when a holder dies.
 */
final class PoolLock {
    private final Path file;
    private final ReentrantLock threads = new ReentrantLock();

    PoolLock(Path file) {
        this.file = file;
    }

    /** A held lock; closing releases it. Re-entrant within one thread. */
    Held acquire() throws IOException {
        threads.lock();
        if (threads.getHoldCount() > 1) return new Held(null, null);
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                return new Held(ch, ch.lock());
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            threads.unlock();
            throw e;
        }
    }

    final class Held implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Held(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() throws IOException {
            try {
                if (lock != null) {
                    lock.release();
                    channel.close();
                }
            } finally {
                threads.unlock();
            }
        }
    }
}
