package io.jstore.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Long lower chains through both mount paths, at and past their limits. */
class OverlayMountTest {
    @TempDir
    Path home;

    OverlayLayout layout;
    OverlayLayers layers;
    OverlayViews views;

    @BeforeEach
    void setUp() {
        OverlayTesting.assumeOverlay();
        layout = new OverlayLayout(home);
        layers = new OverlayLayers(layout);
        views = new OverlayViews(layout, OverlayViews.defaultOptions(NativeDiffCheck.PARAMETERS, List.of()));
    }

    /** Image layers L0…L(n-1), each on the one before, L0 holding /bottom and each Lk holding /k. */
    private String chain(int n) throws Exception {
        String parent = null;
        for (int i = 0; i < n; i++) {
            String id = "L" + i;
            layers.create(id, parent, false);
            Files.writeString(layout.diff(id).resolve(i == 0 ? "bottom" : "f" + i), "layer " + i);
            parent = id;
        }
        return parent;
    }

    @Test
    void fiveHundredLowersMountThroughLowerdirPlusAndShowTheBottomLayer() throws Exception {
        OverlayTesting.assumeLowerdirPlus(home);
        String top = chain(500);
        layers.create("C", top, true);
        OverlayStack stack = views.stack("C", false);
        assertEquals(500, stack.lowers().size());
        Path merged = layout.merged("C");
        new OverlayMounter(home, OverlayMounter.Api.LOWERDIR_PLUS).mount(stack, merged);
        try {
            assertEquals("layer 0", Files.readString(merged.resolve("bottom")));
            assertEquals("layer 499", Files.readString(merged.resolve("f499")));
            Files.writeString(merged.resolve("bottom"), "changed");
            assertEquals("changed", Files.readString(layout.diff("C").resolve("bottom")), "copy-up lands in the upper");
            assertEquals("layer 0", Files.readString(layout.diff("L0").resolve("bottom")), "the lower is untouched");
        } finally {
            OverlayMounter.unmount("C", merged);
        }
        assertTrue(OverlayTesting.notMounted(merged));
    }

    @Test
    void aFiveHundredAndFirstLowerIsRefusedNamingTheKernelLimit() throws Exception {
        String top = chain(501);
        OverlayStack stack = views.stack(top, false);
        assertEquals(501, stack.lowers().size());
        for (OverlayMounter.Api api : OverlayMounter.Api.values()) {
            TooManyLowersException e = assertThrows(TooManyLowersException.class,
                    () -> new OverlayMounter(home, api).mount(stack, layout.merged(top)));
            assertEquals(500, e.limit());
            assertTrue(e.getMessage().contains("at most 500"), e.getMessage());
        }
        assertTrue(OverlayTesting.notMounted(layout.merged(top)));
    }

    @Test
    void legacyMountTakesAsManyLowersAsFitInAPageAndRefusesOneMore() throws Exception {
        OverlayMounter legacy = new OverlayMounter(home, OverlayMounter.Api.LEGACY);
        // Find the limit the way a user meets it: stack until the option string no longer fits.
        String parent = chain(200);
        int n = 200;
        TooManyLowersException refused = null;
        while (refused == null) {
            String id = "L" + n;
            layers.create(id, parent, false);
            Files.writeString(layout.diff(id).resolve("f" + n), "layer " + n);
            try {
                LegacyMountData.build(views.stack(id, false), home);
                parent = id;
                n++;
            } catch (TooManyLowersException e) {
                refused = e;
            }
        }
        int fit = n; // L0…L(n-1) as one read-only view is n lowers
        assertEquals(fit, refused.limit(), refused.getMessage());
        assertTrue(refused.getMessage().contains("4095"), refused.getMessage());
        assertTrue(fit > 250 && fit < OverlayStack.KERNEL_MAX_LOWERS, "fit " + fit);

        String rejected = "L" + n;
        assertThrows(TooManyLowersException.class, () -> legacy.mount(views.stack(rejected, false), layout.merged(rejected)));
        assertTrue(OverlayTesting.notMounted(layout.merged(rejected)));

        Path merged = layout.merged(parent);
        String data = LegacyMountData.build(views.stack(parent, false), home);
        assertTrue(data.length() > 4000 && data.length() <= 4095, "string of " + data.length());
        System.out.println("legacy mount(2): " + fit + " lowers in a " + data.length() + "-byte option string");
        legacy.mount(views.stack(parent, false), merged);
        try {
            assertEquals("layer 0", Files.readString(merged.resolve("bottom")));
            assertEquals("layer " + (n - 1), Files.readString(merged.resolve("f" + (n - 1))));
            assertTrue(OverlayTesting.isReadOnlyMount(merged), "an image layer's view is read-only");
        } finally {
            OverlayMounter.unmount(parent, merged);
        }
        assertTrue(OverlayTesting.notMounted(merged));
    }
}
