package io.jstore.driver.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting a store's own trees (a layer directory, a record). */
public final class Trees {
    private Trees() {}

    /**
     * Deletes {@code p} and everything below it, never following symlinks; absent is fine.
     * It would delete into a mount below {@code p}: callers unmount first.
     */
    public static void delete(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
