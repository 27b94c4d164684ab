package io.jstore.driver.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.Driver;
import io.jstore.driver.DriverException;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BtrfsQuotaTest {
    private static final int MiB = 1 << 20;

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b); // incompressible, and no zero runs a writer could leave as holes
        return b;
    }

    @Test
    void sizeIsAQgroupLimitThatWritesHit(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        try (Driver d = BtrfsTesting.open(fs.root().resolve("home"))) {
            d.create("base", null, null);
            assertTrue(d.status().details().get("Quotas").startsWith("disabled"));
            d.createReadWrite("ctr", "base", CreateOptions.withSize(8L * MiB));
            assertEquals("enabled", d.status().details().get("Quotas"), "enabled on demand");
            assertEquals(String.valueOf(8L * MiB), d.metadata("ctr").get("sizeLimit"));
            assertFalse(d.metadata("base").containsKey("sizeLimit"));

            Path root = d.get("ctr");
            try {
                Files.write(root.resolve("fits"), random(2 * MiB));
                IOException full = assertThrows(IOException.class, () -> Files.write(root.resolve("big"), random(16 * MiB)));
                assertTrue(String.valueOf(full.getMessage()).contains("Disk quota exceeded"), full.toString());
            } finally {
                d.put("ctr");
            }
        }
    }

    @Test
    void applyPastTheLimitIsTypedAndLeavesNoLayer(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        Path src = Files.createDirectories(fs.root().resolve("src"));
        Files.write(src.resolve("blob"), random(12 * MiB));
        byte[] tar = BtrfsTesting.tarOf(src);
        try (Driver d = BtrfsTesting.open(fs.root().resolve("home"))) {
            d.create("small", null, new CreateOptions(0, Map.of("size", "4m")));
            assertEquals(String.valueOf(4L * MiB), d.metadata("small").get("sizeLimit"));
            DriverException e = assertThrows(DriverException.QuotaExceededException.class,
                    () -> d.applyDiff("small", null, new ByteArrayInputStream(tar)));
            assertEquals("small", e.layer());
            assertTrue(e.getMessage().contains("quota exceeded (EDQUOT)"), e.getMessage());
            assertFalse(d.exists("small"), "a half-applied layer is removed");
            assertFalse(Files.exists(fs.root().resolve("home/btrfs/subvolumes/small")));

            d.create("roomy", null, new CreateOptions(0, Map.of("size", "64M")));
            d.applyDiff("roomy", null, new ByteArrayInputStream(tar));
            assertEquals(12L * MiB, Files.size(d.get("roomy").resolve("blob")));
            d.put("roomy");
        }
    }

    @Test
    void sizeWordsParse() {
        assertEquals(10L << 30, SizeOption.parse("10G"));
        assertEquals(512L << 20, SizeOption.parse("512MiB"));
        assertEquals(4096, SizeOption.parse("4k"));
        assertEquals(1234, SizeOption.parse("1234"));
        assertThrows(IllegalArgumentException.class, () -> SizeOption.parse("lots"));
        assertThrows(IllegalArgumentException.class, () -> SizeOption.parse("0"));
        assertThrows(IllegalArgumentException.class, () -> SizeOption.parse("99999999999T"));
    }
}
