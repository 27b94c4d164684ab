package io.jstore.driver.support;

import io.jstore.linux.BootId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The layer records under {@code HOME/.jstore/layers}, with containers/storage's crash
 * protocol: a record is born with an {@code incomplete} marker (staged, then renamed into
 * place, so it appears whole or not at all), the driver makes the layer, and deleting the
 * marker publishes it. Removal sets the marker again first. Whatever a crash interrupts,
 * the next open finds a marked record and removes that layer.
 *
 * <pre>
 * ID/parent          the parent's id; absent for a base layer
 * ID/rw              present for a read-write layer
 * ID/incomplete      present while the layer is made or removed
 * ID/ephemeral       present for an ephemeral layer: the boot id of the boot that made it
 * ID/mounts          mount holders ({@link MountCounts})
 * ID/children/CHILD  one empty file per child, so remove can refuse a parent cheaply
 * </pre>
 *
 * Callers hold the layer's {@link LayerLock}; adding or removing a child holds the parent's.
 */
public final class LayerRecords {
    static final String INCOMPLETE = "incomplete";
    private static final String PARENT = "parent";
    private static final String READ_WRITE = "rw";
    /** The marker of an ephemeral layer, holding the id of the boot it was made in. */
    public static final String EPHEMERAL = "ephemeral";
    private static final String CHILDREN = "children";
    private static final String STAGING = ".tmp-";

    private final DriverHome home;

    public LayerRecords(DriverHome home) {
        this.home = home;
    }

    /** Writes the record of a new layer, marked incomplete; fails if one exists. */
    public void begin(String id, String parent, boolean readWrite, boolean ephemeral) throws IOException {
        Files.createDirectories(home.records());
        Path staging = home.records().resolve(STAGING + id);
        deleteTree(staging);
        Files.createDirectory(staging);
        try {
            Files.createFile(staging.resolve(INCOMPLETE));
            if (parent != null) Files.writeString(staging.resolve(PARENT), parent, StandardCharsets.UTF_8);
            if (readWrite) Files.createFile(staging.resolve(READ_WRITE));
            if (ephemeral) Files.writeString(staging.resolve(EPHEMERAL), BootId.current(), StandardCharsets.US_ASCII);
            Files.createDirectory(staging.resolve(CHILDREN));
            // rename(2) of a directory onto an existing non-empty one fails: a second creator loses
            Files.move(staging, home.record(id), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(staging);
        }
    }

    /** Publishes the layer: the one step after which it exists. */
    public void publish(String id) throws IOException {
        Files.delete(home.record(id).resolve(INCOMPLETE));
    }

    /** Marks a layer as being removed (or broken): it no longer exists, and repair finishes it. */
    public void markIncomplete(String id) throws IOException {
        Path marker = home.record(id).resolve(INCOMPLETE);
        if (!Files.exists(marker)) Files.createFile(marker);
    }

    /** The record of {@code id}, complete or not; empty if there is none. */
    public Optional<LayerRecord> read(String id) throws IOException {
        Path dir = home.record(id);
        if (!Files.isDirectory(dir)) return Optional.empty();
        String parent;
        try {
            parent = Files.readString(dir.resolve(PARENT), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            parent = null;
        }
        return Optional.of(new LayerRecord(id, parent, Files.exists(dir.resolve(READ_WRITE)),
                !Files.exists(dir.resolve(INCOMPLETE)), Files.exists(dir.resolve(EPHEMERAL))));
    }

    /**
     * Whether {@code id} is an ephemeral layer made before the machine last started: what it
     * wrote may never have reached the disk. An unreadable boot id counts as an earlier boot.
     */
    public boolean ephemeralOfEarlierBoot(String id) throws IOException {
        String made;
        try {
            made = Files.readString(home.record(id).resolve(EPHEMERAL), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return false;
        }
        return !made.equals(BootId.current());
    }

    /** Whether {@code id} has a complete record. */
    public boolean complete(String id) {
        Path dir = home.record(id);
        return Files.isDirectory(dir) && !Files.exists(dir.resolve(INCOMPLETE));
    }

    /** Deletes the record (mount holders and children markers with it). */
    public void delete(String id) throws IOException {
        deleteTree(home.record(id));
    }

    /** Notes {@code child} under {@code parent}; the caller holds the parent's lock. */
    public void addChild(String parent, String child) throws IOException {
        Files.writeString(home.record(parent).resolve(CHILDREN).resolve(child), "");
    }

    /** Drops the note of {@code child} under {@code parent}, if there is one. */
    public void removeChild(String parent, String child) throws IOException {
        Files.deleteIfExists(home.record(parent).resolve(CHILDREN).resolve(child));
    }

    /** The children noted under {@code id}, sorted. */
    public List<String> children(String id) throws IOException {
        return names(home.record(id).resolve(CHILDREN));
    }

    /** Every recorded layer id, complete or not, sorted. */
    public List<String> ids() throws IOException {
        return names(home.records());
    }

    /**
     * Removes staging directories an interrupted {@link #begin} left. {@link #begin} stages under
     * its layer's lock, so a directory whose lock another thread or process holds is a begin at
     * work, and is left to it.
     */
    public void sweepStaging() throws IOException {
        if (!Files.isDirectory(home.records())) return;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(home.records(), STAGING + "*")) {
            for (Path p : s) {
                String id = p.getFileName().toString().substring(STAGING.length());
                if (!home.validId(id)) continue;
                Optional<LayerLock> l = LayerLock.tryAcquire(home.lockFile(id));
                if (l.isEmpty()) continue;
                try (LayerLock held = l.get()) {
                    deleteTree(p);
                }
            }
        }
    }

    private static List<String> names(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".")) out.add(n);
            }
        }
        out.sort(null);
        return out;
    }

    static void deleteTree(Path p) throws IOException {
        Trees.delete(p);
    }
}
