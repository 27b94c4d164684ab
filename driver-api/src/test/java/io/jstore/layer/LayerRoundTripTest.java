package io.jstore.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.layer.testing.RootfsTrees;
import io.jstore.layer.testing.TreeSnapshot;
import io.jstore.layer.testing.TreeSnapshot.Ignore;
import io.jstore.linux.FileStat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** diff → apply onto a copy of lower → the result equals upper, in every respect TreeSnapshot sees. */
class LayerRoundTripTest {
    @TempDir
    Path tmp;
    Path lower;
    Path upper;

    @BeforeEach
    void trees() throws IOException {
        lower = Files.createDirectory(tmp.resolve("lower"));
        RootfsTrees.lower(lower);
        upper = tmp.resolve("upper");
        TreeCopy.copy(lower, upper);
        RootfsTrees.change(upper);
    }

    @Test
    void diffAppliedOntoLowerGivesUpper() throws IOException {
        byte[] layer = diff(lower, upper);
        Path target = tmp.resolve("target");
        TreeCopy.copy(lower, target);
        ApplyResult r = Layers.apply(new ByteArrayInputStream(layer), target, ApplyOptions.DEFAULT);
        TreeSnapshot.of(upper).assertSame(target, Ignore.ROOT);
        assertEquals(layer.length, r.uncompressedBytes());
        assertEquals("sha256:" + sha256(layer), r.diffId());
    }

    @Test
    void withoutDigestTheSameTreeAndCountAndNoDiffId() throws IOException {
        byte[] layer = diff(lower, upper);
        Path target = tmp.resolve("target");
        TreeCopy.copy(lower, target);
        ApplyResult r = Layers.apply(new ByteArrayInputStream(layer), target, ApplyOptions.DEFAULT.withoutDigest());
        TreeSnapshot.of(upper).assertSame(target, Ignore.ROOT);
        assertEquals(layer.length, r.uncompressedBytes());
        assertEquals(null, r.diffId());
    }

    @Test
    void fullLayerOfATreeRebuildsIt() throws IOException {
        byte[] layer = diff(null, upper);
        Path target = Files.createDirectory(tmp.resolve("target"));
        Layers.apply(new ByteArrayInputStream(layer), target, ApplyOptions.DEFAULT);
        TreeSnapshot.of(upper).assertSame(target, Ignore.ROOT);
    }

    @Test
    void changesListEveryKindOnceWithDeletedSubtreesAsOneEntry() throws IOException {
        List<Change> changes = Layers.changes(lower, upper);
        List<String> lines = changes.stream().map(Change::toString).toList();
        assertTrue(lines.contains("D /opt/old"), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("D /opt/old/")), lines.toString());
        assertTrue(lines.contains("D /etc/old.conf"), lines.toString());
        assertTrue(lines.contains("C /etc/passwd"), lines.toString());
        assertTrue(lines.contains("C /srv/f2d") && lines.contains("A /srv/f2d/child"), lines.toString());
        assertTrue(lines.contains("A /usr/bin/h2") && lines.contains("A /usr/lib/libfoo-hard"), lines.toString());
        assertTrue(lines.contains("C /usr/bin/tool"), lines.toString());
        assertTrue(lines.contains("C /dev/sda"), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains(" /deep") || l.contains("/usr/lib/liba.so")), "unchanged entries listed: " + lines);
        for (int i = 1; i < changes.size(); i++) {
            String p = changes.get(i).path();
            String parent = p.substring(0, p.lastIndexOf('/'));
            if (!parent.isEmpty()) {
                assertTrue(changes.subList(0, i).stream().anyMatch(c -> c.path().equals(parent)), "parent after child: " + p);
            }
        }
        assertTrue(Layers.changes(lower, lower).isEmpty());
    }

    @Test
    void diffIsDeterministic() throws IOException {
        byte[] a = diff(lower, upper);
        Path again = tmp.resolve("again");
        TreeCopy.copy(upper, again);
        assertArrayEquals(a, diff(lower, again));
    }

    /** A file target takes the channel path (large files by sendfile, the rest through a direct buffer): same bytes. */
    @Test
    void diffIntoAFileIsTheSameBytesAsIntoAnyStream() throws IOException {
        Path file = tmp.resolve("layer.tar");
        try (java.io.FileOutputStream out = new java.io.FileOutputStream(file.toFile())) {
            out.write(new byte[] {'>'}); // the writer continues where the stream is
            Layers.diff(lower, upper, out);
        }
        byte[] got = Files.readAllBytes(file);
        byte[] expected = diff(lower, upper);
        assertEquals('>', got[0]);
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(got, 1, got.length));
        assertTrue(expected.length > 32 << 20, "the sparse image, 32 MiB, is in the layer: " + expected.length);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void compressedLayersApplyAndHashTheUncompressedTar(Compression c) throws IOException {
        byte[] layer = diff(lower, upper);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (OutputStream out = c.writing(z)) {
            out.write(layer);
        }
        Path target = tmp.resolve("target");
        TreeCopy.copy(lower, target);
        ApplyResult r = Layers.apply(new ByteArrayInputStream(z.toByteArray()), target, ApplyOptions.DEFAULT);
        assertEquals("sha256:" + sha256(layer), r.diffId());
        TreeSnapshot.of(upper).assertSame(target, Ignore.ROOT);
    }

    @Test
    void sparseFilesComeOutSparse() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("target"));
        Layers.apply(new ByteArrayInputStream(diff(null, upper)), target, ApplyOptions.DEFAULT);
        FileStat st = FileStat.of(target.resolve("var/new.img"));
        assertEquals(32 << 20, st.size());
        assertTrue(st.blocks() * 512 < 1 << 20, "blocks " + st.blocks());
    }

    @Test
    void sizeCountsFileDataOncePerInode() throws IOException {
        List<Change> changes = Layers.changes(lower, upper);
        long size = Layers.size(changes, upper);
        long expected = 0;
        for (Change c : changes) {
            if (c.kind() == Change.Kind.DELETED) continue;
            Path p = upper.resolve(c.path().substring(1));
            // the second names of the layer's two hardlinked new files carry no data of their own
            if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !c.path().equals("/usr/bin/h2")
                    && !c.path().endsWith("/" + "m".repeat(255))) {
                expected += Files.size(p);
            }
        }
        assertEquals(expected, size);
        assertTrue(size >= 32 << 20);
    }

    static byte[] diff(Path lower, Path upper) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Layers.diff(lower, upper, out);
        return out.toByteArray();
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
