package io.jstore.driver.support;

import java.nio.file.Path;

/** A second JVM for {@link LayerLockTest}: takes the lock, says so, and holds it until killed. */
public final class LockHolder {
    private LockHolder() {}

    public static void main(String[] args) throws Exception {
        LayerLock l = LayerLock.acquire(Path.of(args[0]));
        System.out.print("locked\n");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
        l.close();
    }
}
