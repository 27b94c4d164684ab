package io.jstore.graph.image;

import io.jstore.graph.GraphException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/** Files of an image archive by their path inside it, whether it is a directory or a tar. */
sealed interface Blobs extends AutoCloseable {

    boolean exists(String path);

    InputStream open(String path) throws IOException;

    /** Size in bytes, or -1 if unknown. */
    long size(String path) throws IOException;

    @Override
    void close() throws IOException;

    default byte[] read(String path, int limit) throws IOException {
        try (InputStream in = open(path)) {
            byte[] b = in.readNBytes(limit + 1);
            if (b.length > limit) throw new GraphException.CorruptException(path + " is larger than " + limit + " bytes");
            return b;
        }
    }

    static Blobs of(Path path) throws IOException {
        return Files.isDirectory(path) ? new Dir(path) : new Tar(path);
    }

    /** A directory; paths never leave it. */
    record Dir(Path root) implements Blobs {
        private Path resolve(String path) throws GraphException.CorruptException {
            Path p = root.resolve(path).normalize();
            if (!p.startsWith(root.normalize())) throw new GraphException.CorruptException("path " + path + " leaves " + root);
            return p;
        }

        @Override
        public boolean exists(String path) {
            try {
                return Files.isRegularFile(resolve(path));
            } catch (GraphException e) {
                return false;
            }
        }

        @Override
        public InputStream open(String path) throws IOException {
            Path p = resolve(path);
            if (!Files.isRegularFile(p)) throw new GraphException.NotFoundException("file", path + " in " + root);
            return Files.newInputStream(p);
        }

        @Override
        public long size(String path) throws IOException {
            return Files.size(resolve(path));
        }

        @Override
        public void close() {}
    }

    /** An uncompressed tar read in place (random access, no extraction). */
    final class Tar implements Blobs {
        private final Path file;
        private final TarFile tar;
        private final Map<String, TarArchiveEntry> entries = new HashMap<>();

        Tar(Path file) throws IOException {
            this.file = file;
            try {
                this.tar = new TarFile(file);
            } catch (IOException | IllegalArgumentException e) {
                throw new GraphException.CorruptException(file + " is not a tar archive: " + e.getMessage(), e);
            }
            for (TarArchiveEntry e : tar.getEntries()) {
                if (e.isFile()) entries.put(clean(e.getName()), e);
            }
        }

        private static String clean(String name) {
            String n = name;
            while (n.startsWith("./")) n = n.substring(2);
            while (n.startsWith("/")) n = n.substring(1);
            return n;
        }

        @Override
        public boolean exists(String path) {
            return entries.containsKey(clean(path));
        }

        @Override
        public InputStream open(String path) throws IOException {
            TarArchiveEntry e = entries.get(clean(path));
            if (e == null) throw new GraphException.NotFoundException("file", path + " in " + file);
            return tar.getInputStream(e);
        }

        @Override
        public long size(String path) {
            TarArchiveEntry e = entries.get(clean(path));
            return e == null ? -1 : e.getSize();
        }

        @Override
        public void close() throws IOException {
            tar.close();
        }
    }
}
