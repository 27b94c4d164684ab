package io.jstore.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        try (OverlayStore s = new OverlayStore(fs.root().resolve("store"), List.of("redirect_dir=on"))) {
            assertTrue(s.naiveReason().orElseThrow().contains("redirect_dir=on"), s.naiveReason().toString());
            s.image("B", null, OverlayStore.naiveTar(null, ref));
            s.layers.create("C", "B", true, false);
            TreeSnapshot expected;
            Path merged = s.acquire("C");
            try {
                Files.move(merged.resolve("opt/old"), merged.resolve("opt/moved"));
                expected = TreeSnapshot.of(merged);
            } finally {
                s.release("C");
            }
            Path upper = s.layout.diff("C");
            assertTrue(Xattrs.get(upper.resolve("opt/moved"), "trusted.overlay.redirect").isPresent(),
                    "the kernel wrote a redirect instead of copying the directory up");
            assertFalse(s.diffs.isNative("C", null));

            Path viaDriver = fs.root().resolve("via-driver");
            TreeCopy.copy(ref, viaDriver);
            Layers.apply(new ByteArrayInputStream(s.diff("C", null)), viaDriver, ApplyOptions.DEFAULT);
            expected.assertSame(viaDriver, Ignore.ROOT);
            assertEquals("c", Files.readString(viaDriver.resolve("opt/moved/b/c")));

            // What the native diff would have said: the moved directory without its content.
            ByteArrayOutputStream upperOnly = new ByteArrayOutputStream();
            OverlayUpper.diff(upper, s.diffs.lowerDirs("C"), upperOnly);
            Path viaUpper = fs.root().resolve("via-upper");
            TreeCopy.copy(ref, viaUpper);
            Layers.apply(new ByteArrayInputStream(upperOnly.toByteArray()), viaUpper, ApplyOptions.DEFAULT);
            assertTrue(Files.isDirectory(viaUpper.resolve("opt/moved")));
            assertFalse(Files.exists(viaUpper.resolve("opt/moved/b/c")), "the upper alone loses the renamed content");
        }
    }

    @Test
    void aDiffAgainstAnotherLayerThanTheParentIsNaive(@Scratch(type = FsType.EXT4) ScratchFilesystem fs) throws Exception {
        OverlayTesting.assumeOverlay();
        try (OverlayStore s = new OverlayStore(fs.root().resolve("store"), List.of())) {
            assertTrue(s.naiveReason().isEmpty(), "this host's overlay module defaults keep the native diff: "
                    + s.naiveReason());
            Path a = Files.createDirectory(fs.root().resolve("a"));
            Files.writeString(a.resolve("same"), "same");
            Files.writeString(a.resolve("only-a"), "a");
            s.image("A", null, OverlayStore.naiveTar(null, a));
            s.image("A2", "A", new byte[1024]);
            s.layers.create("X", null, false, false);
            Path x = Files.createDirectory(fs.root().resolve("x"));
            TreeCopy.copy(a, x.resolve("t"));
            s.image("X2", "X", OverlayStore.naiveTar(null, x.resolve("t")));
            assertTrue(s.diffs.isNative("A2", "A"));
            assertFalse(s.diffs.isNative("A2", "X2"));
            // A2 holds nothing of its own; against X2 (same content, other chain) nothing differs either.
            assertEquals(List.of(), s.diffs.changes("A2", null));
            assertEquals(List.of(), s.diffs.changes("A2", "X2"));
            assertEquals("[A /only-a, A /same]", s.diffs.changes("A2", "X").toString());
        }
    }
}
