package io.jstore.layer;

import io.jstore.linux.FileStat;
import io.jstore.linux.Inodes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Directory times an apply restores at its end, once every child is written (each create or
 * delete in a directory bumps its mtime). A directory the layer names gets the layer's times;
 * one the layer only writes into keeps the times it had: a writer leaves a parent out exactly
 * when its times did not change (umoci's and Docker's diffs do), so bumping it would make the
 * applied tree differ from the one diffed, and from one applied a second later.
 */
final class DirTimes {
    private record Times(List<String> comps, String entry, long atimeNanos, long mtimeNanos) {}

    /** Resolves a directory below the root ({@code comps} empty = the root); null when it is gone. */
    interface Resolver {
        Path dir(List<String> comps, String entry) throws IOException;
    }

    private final Map<String, Times> byPath = new LinkedHashMap<>();

    /** The layer's own entry for this directory: its times win over anything kept. */
    void set(List<String> comps, String entry, long atimeNanos, long mtimeNanos) {
        byPath.put(String.join("/", comps), new Times(List.copyOf(comps), entry, atimeNanos, mtimeNanos));
    }

    /** Whether the directory's times are recorded already (by the layer's entry or by {@link #keep}). */
    boolean has(List<String> comps) {
        return byPath.containsKey(String.join("/", comps));
    }

    /** Before the first change inside {@code dir}: remember its present times, unless the layer set them. */
    void keep(List<String> comps, Path dir, String entry) throws IOException {
        String key = String.join("/", comps);
        if (byPath.containsKey(key)) return;
        FileStat st = FileStat.ofOrNull(dir);
        if (st != null && st.isDirectory()) byPath.put(key, new Times(List.copyOf(comps), entry, st.atimeNanos(), st.mtimeNanos()));
    }

    /** Sets every recorded directory's times; setting times changes no parent, so order does not matter. */
    void restore(Resolver resolver) throws IOException {
        for (Times t : byPath.values()) {
            Path p = resolver.dir(t.comps(), t.entry());
            FileStat st = p == null ? null : FileStat.ofOrNull(p);
            if (st != null && st.isDirectory()) Inodes.setTimes(p, t.atimeNanos(), t.mtimeNanos());
        }
    }
}
