package io.jstore.bench.suite;

import io.jstore.bench.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The content the suites measure with: files of real (non-zero, incompressible) data, trees of
 * many small files, and layer tars made from them by GNU tar, as an image build would.
 */
final class Trees {
    private static final int CHUNK = 1 << 20;
    private static final byte[] DATA = new byte[CHUNK];

    static {
        new SplittableRandom(7).nextBytes(DATA);
    }

    private Trees() {}

    /** "1B", "4KiB", "64MiB", "1GiB" → bytes. */
    static long bytes(String size) {
        String s = size.toUpperCase(Locale.ROOT);
        long unit = s.endsWith("GIB") ? 1L << 30 : s.endsWith("MIB") ? 1L << 20 : s.endsWith("KIB") ? 1L << 10 : 1;
        return Long.parseLong(s.replaceAll("[A-Z]+$", "")) * unit;
    }

    /** A file of {@code size} bytes of data with no holes, flushed to disk. */
    static Path file(Path path, long size) throws IOException {
        Files.createDirectories(path.getParent());
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long done = 0; done < size; ) {
                int n = (int) Math.min(CHUNK, size - done);
                done += ch.write(ByteBuffer.wrap(DATA, 0, n));
            }
            ch.force(true);
        }
        return path;
    }

    /** {@code count} files of {@code size} bytes, 100 to a directory, under {@code root}. */
    static Path smallFiles(Path root, int count, int size) throws IOException {
        for (int i = 0; i < count; i++) {
            Path dir = root.resolve(String.format("d%03d", i / 100));
            if (i % 100 == 0) Files.createDirectories(dir);
            try (OutputStream out = Files.newOutputStream(dir.resolve(String.format("f%05d", i)))) {
                out.write(DATA, (i * 97) % (CHUNK - size), size);
            }
        }
        return root;
    }

    /** GNU tar of a directory's contents, as a layer: {@code tar -C dir -cf out .}. */
    static Path tar(Path dir, Path out) throws IOException {
        Tools.check(List.of("tar", "--numeric-owner", "-C", dir.toString(), "-cf", out.toString(), "."));
        return out;
    }

    /** Applies a tar file to a driver layer, for setups. */
    static void apply(io.jstore.driver.Driver d, String id, String parent, Path tar) throws IOException {
        try (InputStream in = Files.newInputStream(tar)) {
            d.applyDiff(id, parent, in);
        }
    }

    /** {@code rm -rf}, for setups and teardowns of references. */
    static void delete(Path p) throws IOException {
        if (Files.exists(p)) Tools.check(List.of("rm", "-rf", "--one-file-system", p.toString()));
    }
}
