package io.jstore.driver.overlay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the overlay driver keeps things, the overlay2 way:
 * <pre>
 * HOME/ID/diff      the layer's own files (the upper dir of a read-write layer)
 * HOME/ID/work      overlay's work dir (same filesystem as diff, as the kernel requires)
 * HOME/ID/merged    where {@code get} mounts the layer's view
 * HOME/ID/link      the layer's short name, e.g. {@code Q3ZK7DXW2MBA}
 * HOME/ID/lower     the parents' short links, top first: {@code l/PARENT:l/GRANDPARENT}
 * HOME/ID/rw        present in a read-write layer
 * HOME/l/SHORT      symlink to {@code ../ID/diff}
 * </pre>
 * Private entries start with a dot, which no layer id may ({@link io.jstore.driver.LayerIds}).
 */
final class OverlayLayout {
    /** The link directory's name; it is the one id the overlay driver cannot give a layer. */
    static final String LINKS = "l";

    /**
     * Short names keep a mount(2) option string small: each lower costs {@code "l/" + 12 + ":"}
     * = 15 bytes instead of overlay2's 29 (26-character names), which lets the legacy path
     * stack about twice as many lowers in one page. 12 base32 characters are 60 random bits;
     * a collision is still checked for when the link is made.
     */
    static final int LINK_NAME_LENGTH = 12;

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path home;

    OverlayLayout(Path home) {
        this.home = home;
    }

    Path home() { return home; }
    Path links() { return home.resolve(LINKS); }
    Path layer(String id) { return home.resolve(id); }
    Path diff(String id) { return layer(id).resolve("diff"); }
    Path work(String id) { return layer(id).resolve("work"); }
    Path merged(String id) { return layer(id).resolve("merged"); }
    Path linkFile(String id) { return layer(id).resolve("link"); }
    Path lowerFile(String id) { return layer(id).resolve("lower"); }
    /** Present in a read-write layer; absent in an image layer. */
    Path readWriteMarker(String id) { return layer(id).resolve("rw"); }

    /** A staging directory for a layer being created; renamed into place when complete. */
    Path staging(String id) { return home.resolve(".tmp-" + id); }

    static String newLinkName() {
        char[] name = new char[LINK_NAME_LENGTH];
        for (int i = 0; i < name.length; i++) name[i] = BASE32[RANDOM.nextInt(BASE32.length)];
        return new String(name);
    }

    /** The layer's short name, from its {@code link} file. */
    String link(String id) throws IOException {
        return Files.readString(linkFile(id), StandardCharsets.US_ASCII).strip();
    }

    /** The {@code lower} chain as written: {@code l/A}, {@code l/B}, … top first; empty for a base layer. */
    List<String> lowerLinks(String id) throws IOException {
        String chain;
        try {
            chain = Files.readString(lowerFile(id), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return chain.isEmpty() ? List.of() : List.of(chain.split(":"));
    }

    /** The ids of the layer's parents, top first, by following the short links. */
    List<String> parentIds(String id) throws IOException {
        List<String> ids = new ArrayList<>();
        for (String link : lowerLinks(id)) ids.add(idOfLink(link));
        return ids;
    }

    /** {@code l/SHORT} → the id its symlink {@code ../ID/diff} names. */
    String idOfLink(String link) throws IOException {
        Path target = Files.readSymbolicLink(home.resolve(link));
        if (target.getNameCount() != 3 || !target.getName(0).toString().equals("..")
                || !target.getName(2).toString().equals("diff")) {
            throw new IOException("overlay: link " + home.resolve(link) + " points to " + target
                    + ", not ../ID/diff");
        }
        return target.getName(1).toString();
    }

    /** The lower chain a child of {@code parent} gets: the parent's link, then the parent's own chain. */
    String childLowerChain(String parent) throws IOException {
        List<String> chain = new ArrayList<>();
        chain.add(LINKS + "/" + link(parent));
        chain.addAll(lowerLinks(parent));
        return String.join(":", chain);
    }
}
