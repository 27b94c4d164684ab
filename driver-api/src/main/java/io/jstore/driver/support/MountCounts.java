package io.jstore.driver.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mount reference counts kept on disk, one file per layer ({@code ID/mounts} in its record),
 * so that threads and processes sharing a store share them: each line is a holder
 * {@code PID START COUNT} ({@link ProcessIdentity}). Counts of processes that have died are
 * dropped whenever the file is read, so a crashed holder stops keeping a layer mounted as
 * soon as anyone looks (a get, a put, a remove, or the next open's repair).
 *
 * <p>Every method expects the caller to hold the layer's {@link LayerLock}. The file is
 * replaced by rename, so a crash leaves the old or the new counts, never half a file.
 */
public final class MountCounts {
    private static final String FILE = "mounts";

    private final DriverHome home;

    public MountCounts(DriverHome home) {
        this.home = home;
    }

    /**
     * Counts one more reference by this process; returns how many live references there
     * were before (0 means the caller must mount).
     */
    public int acquire(String id) throws IOException {
        return acquire(id, ProcessIdentity.self());
    }

    /** {@link #acquire} for {@code holder} ({@link ProcessIdentity#STORE} for a detached mount). */
    public int acquire(String id, ProcessIdentity holder) throws IOException {
        Map<ProcessIdentity, Integer> h = live(id);
        int before = total(h);
        h.merge(holder, 1, Integer::sum);
        write(id, h);
        return before;
    }

    /**
     * Drops one reference of this process; returns how many live references remain (0 means
     * the caller must unmount). Returns -1, changing nothing, if this process holds none.
     */
    public int release(String id) throws IOException {
        return release(id, ProcessIdentity.self());
    }

    /** {@link #release} for {@code holder}. */
    public int release(String id, ProcessIdentity holder) throws IOException {
        Map<ProcessIdentity, Integer> h = live(id);
        Integer mine = h.get(holder);
        if (mine == null) return -1;
        if (mine == 1) h.remove(holder);
        else h.put(holder, mine - 1);
        write(id, h);
        return total(h);
    }

    /** Live references, by every process; rewrites the file if dead holders were dropped. */
    public int count(String id) throws IOException {
        return total(live(id));
    }

    /** Forgets every holder (after a forced unmount). */
    public void clear(String id) throws IOException {
        Files.deleteIfExists(file(id));
    }

    /** The live holders; dead ones are dropped from the file on the way. */
    public Map<ProcessIdentity, Integer> live(String id) throws IOException {
        Map<ProcessIdentity, Integer> all = read(id);
        Map<ProcessIdentity, Integer> alive = new LinkedHashMap<>();
        all.forEach((p, n) -> {
            if (n > 0 && p.alive()) alive.put(p, n);
        });
        if (alive.size() != all.size()) write(id, alive);
        return alive;
    }

    private Map<ProcessIdentity, Integer> read(String id) throws IOException {
        Map<ProcessIdentity, Integer> h = new LinkedHashMap<>();
        String text;
        try {
            text = Files.readString(file(id), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return h;
        }
        for (String line : text.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length != 3) continue;
            h.merge(new ProcessIdentity(Long.parseLong(f[0]), Long.parseLong(f[1])), Integer.parseInt(f[2]), Integer::sum);
        }
        return h;
    }

    private void write(String id, Map<ProcessIdentity, Integer> holders) throws IOException {
        Path f = file(id);
        if (holders.isEmpty()) {
            Files.deleteIfExists(f);
            return;
        }
        StringBuilder sb = new StringBuilder();
        holders.forEach((p, n) -> sb.append(p).append(' ').append(n).append('\n'));
        Path tmp = f.resolveSibling(FILE + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.US_ASCII);
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static int total(Map<ProcessIdentity, Integer> h) {
        return h.values().stream().mapToInt(Integer::intValue).sum();
    }

    private Path file(String id) {
        return home.record(id).resolve(FILE);
    }
}
