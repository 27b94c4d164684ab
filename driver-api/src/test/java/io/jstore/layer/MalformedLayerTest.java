package io.jstore.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken and lying tars: each stops the apply with a {@link LayerFormatException} that names
 * the entry, and none makes the reader allocate what a header claims.
 */
class MalformedLayerTest {
    @TempDir
    Path target;

    private LayerFormatException fails(byte[] tar) {
        return fails(new ByteArrayInputStream(tar));
    }

    private LayerFormatException fails(InputStream tar) {
        return assertThrows(LayerFormatException.class, () -> Layers.apply(tar, target, ApplyOptions.DEFAULT));
    }

    private static void names(LayerFormatException e, String entry) {
        assertEquals(entry, e.entry(), e.getMessage());
        assertTrue(e.getMessage().contains("'" + entry + "'"), e.getMessage());
    }

    @Test
    void truncatedDataNamesTheEntry() {
        byte[] tar = new TestTar().file("etc/a", "a").file("etc/big", "x".repeat(5000)).build();
        byte[] cut = Arrays.copyOf(tar, 512 * 3 + 1000);
        LayerFormatException e = fails(cut);
        names(e, "etc/big");
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void truncatedHeaderAndMissingEndMarker() {
        byte[] tar = new TestTar().file("a", "a").file("b", "b").build();
        names(fails(Arrays.copyOf(tar, 512 * 2 + 100)), "a");
        LayerFormatException e = fails(Arrays.copyOf(tar, 512 * 4));
        names(e, "b");
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void garbageIsNotATar() {
        byte[] junk = new byte[64 * 1024];
        new Random(42).nextBytes(junk);
        junk[0] = 'x'; // not a gzip or zstd magic
        assertTrue(fails(junk).getMessage().contains("checksum"));
        byte[] good = new TestTar().file("ok", "ok").unfinished();
        byte[] both = Arrays.copyOf(good, good.length + junk.length);
        System.arraycopy(junk, 0, both, good.length, junk.length);
        assertTrue(fails(both).getMessage().contains("checksum"));
    }

    @Test
    void corruptCompressedStreams() throws IOException {
        var z = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(z)) {
            g.write(new TestTar().file("f", "x".repeat(10000)).build());
        }
        byte[] gz = z.toByteArray();
        assertTrue(fails(Arrays.copyOf(gz, gz.length / 2)).getMessage().contains("truncated"));
        byte[] bad = gz.clone();
        for (int i = 20; i < bad.length - 8; i++) bad[i] ^= 0x5a;
        fails(bad);
        fails(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 1, 2, 3, 4, 5, 6});
    }

    @Test
    void aSizeThatLiesIsTruncationNotAnAllocation() {
        long claimed = 1L << 40;
        TarEntry e = new TarEntry("huge", TarEntry.REGULAR, 0644, 0, 0, claimed, 0, -1, "", 0, 0, Map.of());
        byte[] tar = new TestTar().entry(e, "only this".getBytes(StandardCharsets.US_ASCII)).unfinished();
        names(fails(tar), "huge");
    }

    @Test
    void anExtendedHeaderClaimingGigabytesIsRefusedBeforeReading() {
        TarEntry pax = new TarEntry("PaxHeaders/big", 'x', 0644, 0, 0, 7L << 30, 0, -1, "", 0, 0, Map.of());
        // the stream really is that long (zeros, made on the fly): only the limit can stop it
        InputStream endless = new SequenceInputStream(new ByteArrayInputStream(new TestTar().entry(pax, new byte[0]).unfinished()),
                InputStream.nullInputStream()) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) return n;
                Arrays.fill(b, off, off + len, (byte) 0);
                return len;
            }
        };
        String m = fails(endless).getMessage();
        assertTrue(m.contains("limit"), m);
        TarEntry longName = new TarEntry("././@LongLink", 'L', 0644, 0, 0, 64L << 20, 0, -1, "", 0, 0, Map.of());
        m = fails(new TestTar().entry(longName, new byte[0]).unfinished()).getMessage();
        assertTrue(m.contains("limit"), m);
    }

    @Test
    void badPaxRecords() {
        for (String records : new String[] {
                "abc path=x\n", "99 path=x\n", "12 path=x\n\n", "10 pathx\n", "0 =\n", "7 =x\n", "11 path=xy"}) {
            LayerFormatException e = fails(new TestTar().pax(records.getBytes(StandardCharsets.UTF_8)).file("f", "x").build());
            assertTrue(e.getMessage().contains("PAX"), records + ": " + e.getMessage());
        }
        for (String rec : new String[] {"mtime=1.2.3", "uid=-1", "size=12x", "gid=99999999999999999999", "mtime=abc"}) {
            String line = " " + rec + "\n";
            String record = (line.length() + 2) + line;
            LayerFormatException e = fails(new TestTar().pax(record.getBytes(StandardCharsets.UTF_8)).file("f", "x").build());
            names(e, "f");
        }
    }

    @Test
    void emptyAndNulNames() {
        assertTrue(fails(new TestTar().file("", "x").build()).getMessage().contains("empty name"));
        String pax = " path=a\0b\n";
        pax = (pax.length() + 2) + pax;
        assertTrue(fails(new TestTar().pax(pax.getBytes(StandardCharsets.UTF_8)).file("f", "x").build()).getMessage().contains("NUL"));
    }

    @Test
    void badChecksumAndBadNumbersNameTheEntry() {
        byte[] tar = new TestTar().file("named", "x").build();
        tar[150] = '9';
        names(fails(tar), "named");
        byte[] size = new TestTar().file("sized", "x").build();
        size[124] = 'z';
        fixChecksum(size);
        names(fails(size), "sized");
    }

    @Test
    void unsupportedTypesAndExtensionWithoutEntry() throws IOException {
        names(fails(new TestTar().entry("sock", 'V', "", new byte[0], 0644).build()), "sock");
        String rec = " path=x\n";
        byte[] dangling = new TestTar().pax(((rec.length() + 2) + rec).getBytes(StandardCharsets.UTF_8)).build();
        assertTrue(fails(dangling).getMessage().contains("extended header"));
        try (var s = Files.list(target)) {
            assertEquals(0, s.count(), "a refused layer left entries");
        }
    }

    @Test
    void sparseMapsThatLieAreRefused() {
        String[][] cases = {
            {"100", "99999999\n"},                 // a million-billion segments claimed
            {"100", "2\n0\n50\n40\n20\n"},      // segments overlap
            {"10", "1\n5\n20\n"},                // a segment past the file's end
            {"100", "1\n0\n4000\n"},             // more data claimed than archived
            {"100", "1\nx\n"},                    // not a number
        };
        for (String[] c : cases) {
            byte[] map = c[1].getBytes(StandardCharsets.US_ASCII);
            byte[] data = Arrays.copyOf(map, 512 + 16);
            TarEntry e = new TarEntry("GNUSparseFile.1/f", TarEntry.REGULAR, 0644, 0, 0, data.length, 0, -1, "", 0, 0, Map.of());
            byte[] tar = new TestTar().pax(pax("GNU.sparse.major=1", "GNU.sparse.minor=0", "GNU.sparse.name=f",
                    "GNU.sparse.realsize=" + c[0])).entry(e, data).build();
            LayerFormatException x = fails(tar);
            names(x, "f");
        }
    }

    private static byte[] pax(String... records) {
        StringBuilder b = new StringBuilder();
        for (String r : records) {
            String line = " " + r + "\n";
            int len = line.length() + 2;
            if (Integer.toString(len).length() > 2) len++;
            b.append(len).append(line);
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void fixChecksum(byte[] tar) {
        Arrays.fill(tar, 148, 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) sum += tar[i] & 0xff;
        byte[] oct = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(oct, 0, tar, 148, 8);
    }
}
