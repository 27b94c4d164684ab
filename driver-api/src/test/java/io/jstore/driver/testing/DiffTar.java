package io.jstore.driver.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** A layer tar read back as what it says: entries, whiteouts, and the file data it carries. */
record DiffTar(Set<String> entries, Set<String> whiteouts, Set<String> regular, long regularBytes,
               Set<String> linksToOutside) {

    static DiffTar read(byte[] tar) throws IOException {
        Set<String> entries = new TreeSet<>();
        Set<String> whiteouts = new TreeSet<>();
        Set<String> regular = new HashSet<>();
        Set<String> links = new TreeSet<>();
        long bytes = 0;
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                String path = "/" + strip(e.getName());
                String base = path.substring(path.lastIndexOf('/') + 1);
                String dir = path.substring(0, path.lastIndexOf('/'));
                if (base.equals(".wh..wh..opq")) continue; // the directory itself is an entry of its own
                if (base.startsWith(".wh.")) {
                    whiteouts.add(dir + "/" + base.substring(4));
                    continue;
                }
                if (path.equals("/")) continue;
                entries.add(path);
                if (e.isLink()) links.add("/" + strip(e.getLinkName()));
                else if (e.isFile()) {
                    regular.add(path);
                    bytes += e.getRealSize();
                }
            }
        }
        links.removeAll(regular);
        return new DiffTar(entries, whiteouts, regular, bytes, links);
    }

    private static String strip(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        n = n.startsWith("/") ? n.substring(1) : n;
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }

    /**
     * The file data the layer stands for: the regular files it carries, plus files that new
     * names hardlink to in the layer below (each counted once), read from the layer's {@code root}.
     */
    long fileBytes(Path root) throws IOException {
        long total = regularBytes;
        for (String l : linksToOutside) total += Files.size(root.resolve(l.substring(1)));
        return total;
    }
}
