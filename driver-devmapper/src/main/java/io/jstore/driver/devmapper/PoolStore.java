package io.jstore.driver.devmapper;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A pool's metadata file, {@code pool.json}, replaced as a whole on every commit: the new
 * state goes to {@code pool.json.tmp}, is fsynced, renamed over the old file and the
 * directory fsynced. rename(2) is atomic, so a crash leaves either the old or the new state,
 * never half of one; a left-over temp file is a commit that never happened.
 */
final class PoolStore {
    static final String FILE = "pool.json";
    private static final String TEMP = FILE + ".tmp";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path dir;

    PoolStore(Path dir) {
        this.dir = dir;
    }

    Path file() {
        return dir.resolve(FILE);
    }

    /** The committed state; the empty state where nothing was ever committed. */
    PoolState load() throws PoolException {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file());
        } catch (NoSuchFileException e) {
            return PoolState.empty();
        } catch (IOException e) {
            throw new PoolException.CorruptException(dir, "cannot read " + file() + ": " + e.getMessage(), e);
        }
        try {
            PoolState s = JSON.readValue(raw, PoolState.class);
            if (s.format() != PoolState.FORMAT) {
                throw new PoolException.CorruptException(dir, file() + " has format " + s.format()
                        + ", this jstore reads format " + PoolState.FORMAT, null);
            }
            return s;
        } catch (IOException e) {
            if (e instanceof PoolException p) throw p;
            throw new PoolException.CorruptException(dir, file() + " is not a pool state: " + e.getMessage(), e);
        }
    }

    void commit(PoolState state) throws IOException {
        commit(state, true);
    }

    /** As {@link #commit(PoolState)}; without {@code durable}, the rename may be lost to a crash (the old state stays). */
    void commit(PoolState state, boolean durable) throws IOException {
        Path temp = dir.resolve(TEMP);
        byte[] raw = JSON.writeValueAsBytes(state);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(raw);
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
        Files.move(temp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (durable) syncDirectory(dir);
    }

    /** Removes the temp file of a commit a crash interrupted; returns whether there was one. */
    boolean removeUncommitted() throws IOException {
        return Files.deleteIfExists(dir.resolve(TEMP));
    }

    long size() throws IOException {
        return Files.exists(file()) ? Files.size(file()) : 0;
    }

    /** Makes a rename or unlink in {@code dir} durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
