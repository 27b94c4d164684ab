package io.jstore.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.CreateOptions;
import io.jstore.layer.ApplyOptions;
import io.jstore.layer.Layers;
import io.jstore.layer.OverlayUpper;
import io.jstore.layer.TreeCopy;
import io.jstore.layer.testing.RootfsTrees;
import io.jstore.layer.testing.TreeSnapshot;
import io.jstore.layer.testing.TreeSnapshot.Ignore;
import io.jstore.linux.Xattrs;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@code redirect_dir=on} a renamed lower directory becomes an empty upper dir pointing at
 * its old name: the upper no longer holds the change, so the driver must diff the mounted views.
 */
class OverlayNaiveFallbackTest {

    @Test
    void redirectDirSwitchesToTheNaiveDiffWhichKeepsARenamedDirectory(@Scratch(type = FsType.XFS) ScratchFilesystem fs)
            throws Exception {
        OverlayTesting.assumeOverlay();
        Path ref = Files.createDirectory(fs.root().resolve("ref"));
        RootfsTrees.lower(ref);
        try (OverlayDriver d = OverlayTesting.open(fs.root().resolve("store"),
                Map.of(OverlayOptions.MOUNTOPT, "redirect_dir=on"))) {
            try {
                String reason = d.diffs().naiveReason().orElseThrow();
                assertTrue(reason.contains("redirect_dir=on"), reason);
                assertTrue(d.status().details().get("Native diff").contains("redirect_dir=on"));
                OverlayTesting.image(d, "B", null, OverlayTesting.naiveTar(null, ref));
                d.createReadWrite("C", "B", CreateOptions.DEFAULT);
                TreeSnapshot expected;
                Path merged = d.get("C");
                try {
                    Files.move(merged.resolve("opt/old"), merged.resolve("opt/moved"));
                    expected = TreeSnapshot.of(merged);
                } finally {
                    d.put("C");
                }
                Path upper = d.layout().diff("C");
                assertTrue(Xattrs.get(upper.resolve("opt/moved"), "trusted.overlay.redirect").isPresent(),
                        "the kernel wrote a redirect instead of copying the directory up");
                assertFalse(d.diffs().isNative("C", "B"));

                Path viaDriver = fs.root().resolve("via-driver");
                TreeCopy.copy(ref, viaDriver);
                Layers.apply(new ByteArrayInputStream(OverlayTesting.diff(d, "C", null)), viaDriver, ApplyOptions.DEFAULT);
                expected.assertSame(viaDriver, Ignore.ROOT);
                assertEquals("c", Files.readString(viaDriver.resolve("opt/moved/b/c")));

                // What the native diff would have said: the moved directory without its content.
                ByteArrayOutputStream upperOnly = new ByteArrayOutputStream();
                OverlayUpper.diff(upper, d.diffs().lowerDirs("C"), upperOnly);
                Path viaUpper = fs.root().resolve("via-upper");
                TreeCopy.copy(ref, viaUpper);
                Layers.apply(new ByteArrayInputStream(upperOnly.toByteArray()), viaUpper, ApplyOptions.DEFAULT);
                assertTrue(Files.isDirectory(viaUpper.resolve("opt/moved")));
                assertFalse(Files.exists(viaUpper.resolve("opt/moved/b/c")), "the upper alone loses the renamed content");
            } finally {
                d.cleanup();
            }
        }
    }

    @Test
    void aDiffAgainstAnotherLayerThanTheParentIsNaive(@Scratch(type = FsType.EXT4) ScratchFilesystem fs) throws Exception {
        OverlayTesting.assumeOverlay();
        try (OverlayDriver d = OverlayTesting.open(fs.root().resolve("store"), Map.of())) {
            try {
                assertTrue(d.diffs().naiveReason().isEmpty(), "this host's overlay module defaults keep the native diff: "
                        + d.diffs().naiveReason());
                Path a = Files.createDirectory(fs.root().resolve("a"));
                Files.writeString(a.resolve("same"), "same");
                Files.writeString(a.resolve("only-a"), "a");
                OverlayTesting.image(d, "A", null, OverlayTesting.naiveTar(null, a));
                OverlayTesting.image(d, "A2", "A", new byte[1024]);
                OverlayTesting.image(d, "X", null, new byte[1024]);
                OverlayTesting.image(d, "X2", "X", OverlayTesting.naiveTar(null, a));
                assertTrue(d.diffs().isNative("A2", "A"));
                assertFalse(d.diffs().isNative("A2", "X2"));
                // A2 holds nothing of its own; against X2 (same content, other chain) nothing differs either.
                assertEquals(List.of(), d.changes("A2", null));
                assertEquals(List.of(), d.changes("A2", "X2"));
                assertEquals("[A /only-a, A /same]", d.changes("A2", "X").toString());
                assertEquals("same".length() + "a".length(), d.diffSize("A2", "X"));
            } finally {
                d.cleanup();
            }
        }
    }
}
