package io.jstore.driver.support;

import io.jstore.linux.Fd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An exclusive {@code flock(2)} on a lock file, held across threads and processes, reentrant
 * for the thread that holds it. Close it, in the thread that acquired it, to release.
 *
 * <pre>{@code
 * try (LayerLock l = LayerLock.acquire(home.lockFile(id))) {
 *     // no other thread of this JVM and no other process holds id's lock here
 * }
 * }</pre>
 *
 * <p>flock, not {@code FileChannel.lock}: POSIX record locks belong to the process, so two
 * threads of one JVM would share them and closing any descriptor of the file would drop them.
 * A flock belongs to the open file description; each acquisition opens its own.
 *
 * <p>Whoever holds the lock may delete the file ({@link #deleteFile}); a waiter that then
 * gets the lock on the deleted inode sees that the path names another inode (or none) and
 * locks what the path names now, so two holders never coexist.
 */
public final class LayerLock implements AutoCloseable {
    private static final ThreadLocal<Map<Path, LayerLock>> HELD = ThreadLocal.withInitial(HashMap::new);

    private final Path file;
    private final Fd fd;
    private int holds = 1;

    private LayerLock(Path file, Fd fd) {
        this.file = file;
        this.fd = fd;
    }

    /** Blocks until the lock on {@code file} (created if missing, with its directory) is held. */
    public static LayerLock acquire(Path file) throws IOException {
        return lock(file, true).orElseThrow();
    }

    /** The lock on {@code file} if no other thread or process holds it now, else empty. */
    public static java.util.Optional<LayerLock> tryAcquire(Path file) throws IOException {
        return lock(file, false);
    }

    private static java.util.Optional<LayerLock> lock(Path file, boolean wait) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        LayerLock mine = HELD.get().get(key);
        if (mine != null) {
            mine.holds++;
            return java.util.Optional.of(mine);
        }
        while (true) {
            Files.createDirectories(key.getParent());
            Fd fd = Fd.open(key, Fd.O_RDWR | Fd.O_CREAT | Fd.O_NOFOLLOW, 0644);
            try {
                if (wait) {
                    fd.lockExclusive();
                } else if (!fd.tryLockExclusive()) {
                    fd.close();
                    return java.util.Optional.empty();
                }
                // stat through the descriptor follows to its inode even when that was unlinked
                if (Objects.equals(fileKey(fd.procPath()), fileKey(key))) {
                    LayerLock l = new LayerLock(key, fd);
                    HELD.get().put(key, l);
                    return java.util.Optional.of(l);
                }
            } catch (IOException | RuntimeException e) {
                fd.close();
                throw e;
            }
            fd.close();
        }
    }

    private static Object fileKey(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** The lock file's path. */
    public Path file() {
        return file;
    }

    /** Deletes the lock file while the lock is held (its layer is gone); the lock stays held until {@link #close}. */
    public void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    /** Releases one hold; the last one closes the descriptor, which releases the flock. */
    @Override
    public void close() {
        if (--holds > 0) return;
        HELD.get().remove(file);
        fd.close();
    }

    @Override
    public String toString() {
        return "lock " + file;
    }
}
