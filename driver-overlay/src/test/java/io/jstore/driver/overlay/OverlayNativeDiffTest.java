package io.jstore.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.layer.ApplyOptions;
import io.jstore.layer.Change;
import io.jstore.layer.Layers;
import io.jstore.layer.TreeCopy;
import io.jstore.layer.testing.RootfsTrees;
import io.jstore.layer.testing.TreeSnapshot;
import io.jstore.layer.testing.TreeSnapshot.Ignore;
import io.jstore.linux.FileStat;
import io.jstore.linux.Xattrs;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The native diff: a container's changes read from its upper dir alone, checked against what
 * the kernel shows (the merged view) and against the naive diff of the two mounted views.
 */
class OverlayNativeDiffTest {

    @Test
    void nativeDiffOnXfsReproducesTheContainerView(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        nativeDiffReproducesTheContainerView(fs);
    }

    @Test
    void nativeDiffOnExt4ReproducesTheContainerView(@Scratch(type = FsType.EXT4) ScratchFilesystem fs) throws Exception {
        nativeDiffReproducesTheContainerView(fs);
    }

    private void nativeDiffReproducesTheContainerView(ScratchFilesystem fs) throws Exception {
        OverlayTesting.assumeOverlay();
        Path ref = Files.createDirectory(fs.root().resolve("ref"));
        RootfsTrees.lower(ref);
        try (OverlayStore s = new OverlayStore(fs.root().resolve("store"), List.of())) {
            s.image("B", null, OverlayStore.naiveTar(null, ref));
            s.layers.create("C", "B", true, false);
            TreeSnapshot expected;
            Path merged = s.acquire("C");
            try {
                TreeSnapshot.of(ref).assertSame(merged, Ignore.ROOT);
                RootfsTrees.change(merged);
                expected = TreeSnapshot.of(merged);
            } finally {
                s.release("C");
            }
            assertTrue(s.diffs.isNative("C", null));
            assertTrue(s.diffs.isNative("C", "B"));
            Path upper = s.layout.diff("C");
            assertTrue(FileStat.of(upper.resolve("opt/old")).isWhiteout(), "the kernel wrote a whiteout");
            assertTrue(Xattrs.get(upper.resolve("var/cache/app"), "trusted.overlay.opaque").isPresent());

            byte[] tar = s.diff("C", null);
            String entries = new String(tar, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(entries.contains("opt/.wh.old"), "whiteout entry");
            assertTrue(entries.contains("var/cache/app/.wh..wh..opq"), "opaque marker of a re-made dir");
            assertFalse(entries.contains("newdir/.wh..wh..opq"), "no marker for a dir no lower has");
            assertFalse(entries.contains("trusted.overlay"), "overlay's own xattrs stay out of the layer");
            Path target = fs.root().resolve("target");
            TreeCopy.copy(ref, target);
            Layers.apply(new ByteArrayInputStream(tar), target, ApplyOptions.DEFAULT);
            expected.assertSame(target, Ignore.ROOT);

            List<Change> nativeChanges = s.diffs.changes("C", null);
            long nativeSize = s.diffs.diffSize("C", null);
            // A third layer forces the naive path for the same pair: C against B's sibling view.
            s.layers.create("B2", null, false, false);
            Layers.apply(new ByteArrayInputStream(OverlayStore.naiveTar(null, ref)), s.layout.diff("B2"), ApplyOptions.OVERLAY);
            assertFalse(s.diffs.isNative("C", "B2"));
            List<String> naive = s.diffs.changes("C", "B2").stream().map(Change::toString).toList();
            List<String> extra = new java.util.ArrayList<>(nativeChanges.stream().map(Change::toString).toList());
            // link(2) to a lower file copies it up unchanged: the upper has it, the naive diff sees no change
            assertTrue(extra.remove("C /usr/lib/libfoo.so.1"), "the hardlinked lower file was copied up");
            assertEquals(naive, extra, "native and naive changes agree");
            assertEquals(s.diffs.diffSize("C", "B2"), nativeSize);
            assertTrue(nativeSize >= 32 << 20, "the sparse image's apparent size counts: " + nativeSize);
        }
    }

    @Test
    void imageLayersAppliedInOverlayFormShowTheLayerAndDiffBackToIt(@Scratch(type = FsType.XFS) ScratchFilesystem fs)
            throws Exception {
        OverlayTesting.assumeOverlay();
        Path ref = Files.createDirectory(fs.root().resolve("ref"));
        RootfsTrees.lower(ref);
        Path changed = fs.root().resolve("changed");
        TreeCopy.copy(ref, changed);
        RootfsTrees.change(changed);
        byte[] second = OverlayStore.naiveTar(ref, changed);
        assertTrue(new String(second, java.nio.charset.StandardCharsets.ISO_8859_1).contains("usr/lib/libfoo.so.1"),
                "the naive diff links the new name to the lower file");
        try (OverlayStore s = new OverlayStore(fs.root().resolve("store"), List.of())) {
            s.image("B", null, OverlayStore.naiveTar(null, ref));
            s.image("L2", "B", second);
            assertTrue(FileStat.of(s.layout.diff("L2").resolve("opt/old")).isWhiteout());
            assertEquals(2, FileStat.of(s.layout.diff("L2").resolve("usr/lib/libfoo-hard")).nlink(),
                    "the link's lower target was copied up beside it");
            Path view = s.acquire("L2");
            try {
                TreeSnapshot.of(changed).assertSame(view, Ignore.ROOT);
                assertTrue(OverlayTesting.isReadOnlyMount(view));
            } finally {
                s.release("L2");
            }
            Path target = fs.root().resolve("target");
            TreeCopy.copy(ref, target);
            Layers.apply(new ByteArrayInputStream(s.diff("L2", null)), target, ApplyOptions.DEFAULT);
            TreeSnapshot.of(changed).assertSame(target, Ignore.ROOT);
        }
    }
}
