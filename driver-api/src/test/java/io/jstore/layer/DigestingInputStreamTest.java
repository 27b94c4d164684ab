package io.jstore.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DigestingInputStreamTest {
    /** Several MiB, read in every way the applier reads (single bytes, skips, large and small reads). */
    @Test
    void digestCoversEveryByteAcrossBufferEdges() throws Exception {
        byte[] data = new byte[(9 << 20) + 12345];
        new SplittableRandom(3).nextBytes(data);
        try (DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(data))) {
            SplittableRandom sizes = new SplittableRandom(5);
            byte[] buf = new byte[3 << 20];
            long total = 0;
            for (int step = 0; ; step++) {
                long n = switch (step % 4) {
                    case 0 -> in.read();
                    case 1 -> in.skip(1 + sizes.nextInt(100_000));
                    case 2 -> in.read(buf, 7, 1 + sizes.nextInt(buf.length - 7));
                    default -> in.read(buf, 0, 1 + sizes.nextInt(600));
                };
                if (n < 0 || step % 4 == 1 && n == 0) break;
                total += step % 4 == 0 ? 1 : n;
            }
            while (in.read(buf, 0, buf.length) > 0) {
                // the loop above can stop on a skip at the end; nothing may remain
            }
            assertEquals(data.length, in.count());
            assertEquals(true, total <= data.length);
            assertEquals("sha256:" + sha256(data), in.digest());
        }
    }

    @Test
    void withoutHashingItStillCountsEveryByte() throws IOException {
        byte[] data = new byte[100_000];
        try (DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(data), false)) {
            assertEquals(0, in.read());
            assertEquals(40_000, in.skip(40_000));
            assertEquals(59_999, in.readAllBytes().length);
            assertEquals(data.length, in.count());
            assertEquals(null, in.digest());
        }
    }

    @Test
    void emptyStreamHasTheEmptyDigest() throws IOException {
        try (DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(new byte[0]))) {
            assertEquals(-1, in.read());
            assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", in.digest());
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
