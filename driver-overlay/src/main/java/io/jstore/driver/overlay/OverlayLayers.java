package io.jstore.driver.overlay;

import io.jstore.driver.DriverException;
import io.jstore.driver.LayerIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The layer directories on disk: making one (staged, then renamed into place so a crash
 * leaves either nothing or a whole layer), removing one (renamed aside first, for the same
 * reason), and sweeping up what an interrupted run left. Which layers exist, their parents
 * and children are the driver records' business ({@link io.jstore.driver.support.LayerRecords});
 * this class only keeps the directories the kernel mounts.
 */
final class OverlayLayers {
    private static final String STAGING = ".tmp-";
    private static final String REMOVING = ".rm-";

    private final OverlayLayout layout;

    OverlayLayers(OverlayLayout layout) {
        this.layout = layout;
    }

    boolean exists(String id) {
        try {
            checkId(id);
        } catch (DriverException.InvalidIdException e) {
            return false;
        }
        return Files.isDirectory(layout.diff(id));
    }

    static String checkId(String id) throws DriverException.InvalidIdException {
        LayerIds.check(id);
        if (id.equals(OverlayLayout.LINKS)) {
            throw new DriverException.InvalidIdException(id, "reserved: the overlay driver keeps its short links there");
        }
        return id;
    }

    /** Lays out a new layer on {@code parent} (or none), read-write or not. */
    void create(String id, String parent, boolean readWrite) throws DriverException {
        checkId(id);
        if (exists(id)) throw new DriverException.ExistsException("overlay", id, layout.layer(id));
        if (parent != null && !exists(parent)) throw new DriverException.NotFoundException("overlay", parent);
        Path staging = layout.staging(id);
        Path link = null;
        try {
            deleteTree(staging);
            Files.createDirectories(layout.links());
            Files.createDirectories(staging);
            for (String d : List.of("diff", "work", "merged")) Files.createDirectory(staging.resolve(d));
            link = newLink(id);
            Files.writeString(staging.resolve("link"), link.getFileName().toString(), StandardCharsets.US_ASCII);
            if (parent != null) {
                Files.writeString(staging.resolve("lower"), layout.childLowerChain(parent), StandardCharsets.US_ASCII);
            }
            if (readWrite) Files.createFile(staging.resolve("rw"));
            Files.move(staging, layout.layer(id), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                deleteTree(staging);
                if (link != null) Files.deleteIfExists(link);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw DriverException.wrap("overlay", "create", id, layout.layer(id), e);
        }
    }

    /** A fresh short link {@code l/SHORT -> ../ID/diff}; a name taken already is drawn again. */
    private Path newLink(String id) throws IOException {
        Path target = Path.of("..", id, "diff");
        for (int attempt = 0; ; attempt++) {
            Path link = layout.links().resolve(OverlayLayout.newLinkName());
            try {
                return Files.createSymbolicLink(link, target);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 8) throw e;
            }
        }
    }

    /**
     * Removes whatever exists of a layer: its directory (renamed aside first, so a crash
     * leaves it whole or in the aside pile {@link #repair} sweeps), a staging dir a crashed
     * create left, and their short links. The caller checked it is unused.
     */
    void remove(String id) throws DriverException {
        Path dir = layout.layer(id);
        Path aside = layout.home().resolve(REMOVING + id);
        try {
            removeStaged(layout.staging(id));
            if (Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                String link = linkName(dir);
                deleteTree(aside);
                Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
                if (link != null) Files.deleteIfExists(layout.links().resolve(link));
            }
            deleteTree(aside);
        } catch (IOException e) {
            throw DriverException.wrap("overlay", "remove", id, dir, e);
        }
    }

    private void removeStaged(Path staging) throws IOException {
        if (!Files.isDirectory(staging, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        String link = linkName(staging);
        if (link != null) Files.deleteIfExists(layout.links().resolve(link));
        deleteTree(staging);
    }

    private static String linkName(Path layerDir) throws IOException {
        try {
            String name = Files.readString(layerDir.resolve("link"), StandardCharsets.US_ASCII).strip();
            return name.isEmpty() || name.contains("/") ? null : name;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Layer ids an interrupted run left something of: a staging dir ({@code .tmp-ID}), a dir
     * renamed aside for removal ({@code .rm-ID}), or a short link to a layer dir that is not
     * there. Sweeping them ({@link #sweep}) must hold the layer's lock: a live creator in
     * another process makes its link before its dir is renamed into place.
     */
    java.util.SortedSet<String> leftovers() throws IOException {
        java.util.SortedSet<String> ids = new java.util.TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.home())) {
            for (Path e : entries) {
                String name = e.getFileName().toString();
                if (name.startsWith(STAGING)) ids.add(name.substring(STAGING.length()));
                if (name.startsWith(REMOVING)) ids.add(name.substring(REMOVING.length()));
            }
        }
        if (!Files.isDirectory(layout.links())) return ids;
        try (DirectoryStream<Path> links = Files.newDirectoryStream(layout.links())) {
            for (Path l : links) {
                if (Files.exists(l)) continue;
                try {
                    ids.add(layout.idOfLink(layout.home().relativize(l).toString()));
                } catch (IOException notOurs) {
                    Files.deleteIfExists(l); // not ../ID/diff: nothing of ours, and nothing a creator makes
                }
            }
        }
        return ids;
    }

    /** Removes what {@link #leftovers} found of {@code id}; the caller holds the layer's lock. */
    void sweep(String id) throws IOException {
        removeStaged(layout.staging(id));
        deleteTree(layout.home().resolve(REMOVING + id));
        if (!Files.isDirectory(layout.links())) return;
        try (DirectoryStream<Path> links = Files.newDirectoryStream(layout.links())) {
            for (Path l : links) {
                if (Files.exists(l)) continue;
                String target;
                try {
                    target = layout.idOfLink(layout.home().relativize(l).toString());
                } catch (IOException e) {
                    continue;
                }
                if (target.equals(id)) Files.deleteIfExists(l);
            }
        }
    }

    /** rm -rf without following symlinks; absent is fine. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        io.jstore.linux.FileStat top = io.jstore.linux.FileStat.of(root);
        Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes attrs)
                    throws IOException {
                io.jstore.linux.FileStat st = io.jstore.linux.FileStat.of(dir);
                // A view still mounted below would make this delete the lower layers' files.
                if (st.devMajor() != top.devMajor() || st.devMinor() != top.devMinor()) {
                    throw new IOException("refusing to delete across a mount point at " + dir);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs)
                    throws IOException {
                Files.delete(file);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) throw exc;
                Files.delete(dir);
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }
}
