package io.jstore.driver.btrfs;

import io.jstore.linux.Btrfs;
import io.jstore.linux.BtrfsSubvolumes;
import io.jstore.linux.FileStat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Removes a layer's subvolume with everything in it. A container may have made subvolumes
 * inside its layer (systemd-nspawn, a nested container engine, {@code btrfs subvolume
 * create} in the container): the kernel refuses to destroy a subvolume that holds others
 * (ENOTEMPTY), so those go first, innermost first.
 */
final class SubvolumeRemoval {
    private SubvolumeRemoval() {}

    /** Destroys {@code path} and the subvolumes nested in it; a plain directory left by a crash is deleted. */
    static void remove(Path path) throws IOException {
        FileStat st = FileStat.ofOrNull(path);
        if (st == null) return;
        if (!Btrfs.isSubvolume(path)) {
            deleteTree(path);
            return;
        }
        destroy(path);
    }

    private static void destroy(Path subvolume) throws IOException {
        var nested = BtrfsSubvolumes.nested(subvolume);
        // a read-only subvolume's directories cannot lose entries, nested subvolumes included
        if (!nested.isEmpty() && Btrfs.isReadOnly(subvolume)) Btrfs.setReadOnly(subvolume, false);
        for (BtrfsSubvolumes.Nested n : nested) destroy(subvolume.resolve(n.path()));
        Btrfs.destroySubvolume(subvolume);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
