package io.jstore.bench;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A second process for {@link JmhLockTest}: holds the lock on {@code args[0]} as JMH does, until its stdin closes. */
final class LockHolder {
    private LockHolder() {}

    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.tryLock()) {
            System.out.println(lock != null ? "locked" : "busy");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold it
            }
        }
    }
}
