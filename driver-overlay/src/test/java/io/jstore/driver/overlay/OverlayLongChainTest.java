package io.jstore.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.CreateOptions;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The driver at the kernel's limits: 500 lowers through {@code lowerdir+}, and the mount(2)
 * fallback, forced, at the number of lowers one page of options carries. Every image layer
 * is applied from a layer tar holding one file, as an engine would pull it.
 */
class OverlayLongChainTest {

    private static String chain(OverlayDriver d, Path scratch, int n) throws Exception {
        String parent = null;
        Path src = Files.createDirectories(scratch.resolve("src"));
        for (int i = 0; i < n; i++) {
            String id = "L" + i;
            Path content = Files.createDirectory(src.resolve(id));
            Files.writeString(content.resolve(i == 0 ? "bottom" : "f" + i), "layer " + i);
            OverlayTesting.image(d, id, parent, OverlayTesting.naiveTar(null, content));
            parent = id;
        }
        return parent;
    }

    @Test
    void fiveHundredLayersMountThroughLowerdirPlusAndAFiveHundredAndFirstIsRefused(
            @Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        OverlayTesting.assumeOverlay();
        OverlayTesting.assumeLowerdirPlus(fs.root());
        try (OverlayDriver d = OverlayTesting.open(fs.root().resolve("store"), Map.of(OverlayOptions.MOUNT_API, "lowerdir+"))) {
            try {
                String top = chain(d, fs.root(), 501);
                d.createReadWrite("C", "L499", CreateOptions.DEFAULT);
                Path root = d.get("C");
                try {
                    assertEquals("layer 0", Files.readString(root.resolve("bottom")));
                    assertEquals("layer 499", Files.readString(root.resolve("f499")));
                    Files.writeString(root.resolve("bottom"), "changed");
                } finally {
                    d.put("C");
                }
                assertTrue(OverlayTesting.notMounted(root));
                assertEquals("[C /bottom]", d.changes("C", null).toString());
                assertEquals("layer 0", Files.readString(d.layout().diff("L0").resolve("bottom")), "the lower is untouched");

                d.createReadWrite("C2", top, CreateOptions.DEFAULT);
                TooManyLowersException e = assertThrows(TooManyLowersException.class, () -> d.get("C2"));
                assertEquals(501, e.lowers());
                assertEquals(500, e.limit());
                assertTrue(OverlayTesting.notMounted(d.layout().merged("C2")));
                d.remove("C2"); // the failed get left no reference behind
            } finally {
                d.cleanup();
            }
        }
    }

    @Test
    void theForcedMountFallbackStacksAsManyLowersAsFitInAPage(@Scratch(type = FsType.XFS) ScratchFilesystem fs)
            throws Exception {
        OverlayTesting.assumeOverlay();
        try (OverlayDriver d = OverlayTesting.open(fs.root().resolve("store"), Map.of(OverlayOptions.MOUNT_API, "legacy"))) {
            try {
                assertEquals(OverlayMounter.Api.LEGACY, d.mountApi());
                chain(d, fs.root(), 280);
                // Container layers on ever higher tops until one no longer fits in the one page.
                int fit = 0;
                TooManyLowersException refused = null;
                for (int n = 250; n <= 280 && refused == null; n++) {
                    String id = "C" + n;
                    d.createReadWrite(id, "L" + (n - 1), CreateOptions.DEFAULT);
                    try {
                        Path root = d.get(id);
                        assertEquals("layer " + (n - 1), Files.readString(root.resolve("f" + (n - 1))));
                        assertEquals("layer 0", Files.readString(root.resolve("bottom")));
                        d.put(id);
                        fit = n;
                    } catch (TooManyLowersException e) {
                        refused = e;
                        assertTrue(OverlayTesting.notMounted(d.layout().merged(id)));
                        assertTrue(e.getMessage().contains("4095"), e.getMessage());
                        assertEquals(fit, e.limit(), e.getMessage());
                    }
                }
                assertTrue(refused != null, "280 lowers cannot fit in one page of mount(2) options");
                assertTrue(fit > 250, "only " + fit + " lowers fit");
                System.out.println("overlay mount(2) fallback: " + fit + " lowers mount, " + (fit + 1) + " are refused");
                assertEquals(1, d.mounts("C" + fit).size(), "the specs stay data, whatever their length");
            } finally {
                d.cleanup();
            }
        }
    }
}
