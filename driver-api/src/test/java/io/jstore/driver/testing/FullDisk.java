package io.jstore.driver.testing;

import io.jstore.linux.Filesystems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Filling a filesystem, and layers that take real space on it. */
final class FullDisk {
    private FullDisk() {}

    /** Allocates {@code file} so that about {@code leave} bytes stay free (fallocate: no data written). */
    static void fillLeaving(Path file, long leave) throws IOException, InterruptedException {
        long free = Filesystems.statfs(file.getParent()).bytesAvailable();
        long size = Math.max(0, free - leave) & ~0xfffL;
        if (size == 0) return;
        Process p = new ProcessBuilder("fallocate", "-l", Long.toString(size), file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException("fallocate " + file + ": " + out);
    }

    /** A layer tar with one file of {@code bytes} random (incompressible, unshareable) bytes. */
    static byte[] layerOf(int bytes, int seed) throws IOException {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return new TestTars().file("blob-" + seed, data).bytes();
    }

    /** Paths under {@code dir} whose name contains {@code id}. */
    static List<String> namesContaining(Path dir, String id) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().equals(id) || p.getFileName().toString().startsWith(id + "."))
                    .map(Path::toString).toList();
        }
    }
}
