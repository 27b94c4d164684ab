package io.jstore.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.CreateOptions;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        try (OverlayDriver d = OverlayTesting.open(fs.root().resolve("store"), Map.of())) {
            try {
                OverlayTesting.image(d, "B", null, OverlayTesting.naiveTar(null, ref));
                d.createReadWrite("C", "B", CreateOptions.DEFAULT);
                TreeSnapshot expected;
                Path merged = d.get("C");
                try {
                    TreeSnapshot.of(ref).assertSame(merged, Ignore.ROOT);
                    RootfsTrees.change(merged);
                    expected = TreeSnapshot.of(merged);
                } finally {
                    d.put("C");
                }
                assertTrue(d.diffs().isNative("C", "B"));
                Path upper = d.layout().diff("C");
                assertTrue(FileStat.of(upper.resolve("opt/old")).isWhiteout(), "the kernel wrote a whiteout");
                assertTrue(Xattrs.get(upper.resolve("var/cache/app"), "trusted.overlay.opaque").isPresent());

                byte[] tar = OverlayTesting.diff(d, "C", null);
                String entries = new String(tar, StandardCharsets.ISO_8859_1);
                assertTrue(entries.contains("opt/.wh.old"), "whiteout entry");
                assertTrue(entries.contains("var/cache/app/.wh..wh..opq"), "opaque marker of a re-made dir");
                assertFalse(entries.contains("newdir/.wh..wh..opq"), "no marker for a dir no lower has");
                assertFalse(entries.contains("trusted.overlay"), "overlay's own xattrs stay out of the layer");
                Path target = fs.root().resolve("target");
                TreeCopy.copy(ref, target);
                Layers.apply(new ByteArrayInputStream(tar), target, ApplyOptions.DEFAULT);
                expected.assertSame(target, Ignore.ROOT);

                List<Change> nativeChanges = d.changes("C", null);
                long nativeSize = d.diffSize("C", null);
                // Against a sibling with the same content the driver must mount both views: the naive diff.
                OverlayTesting.image(d, "B2", null, OverlayTesting.naiveTar(null, ref));
                assertFalse(d.diffs().isNative("C", "B2"));
                List<String> naive = new ArrayList<>(d.changes("C", "B2").stream().map(Change::toString).toList());
                // a re-made dir is one opaque entry natively; the naive diff lists what it no longer holds
                assertTrue(naive.removeAll(List.of("D /var/cache/app/x", "D /var/cache/app/y")), naive.toString());
                List<String> extra = new ArrayList<>(nativeChanges.stream().map(Change::toString).toList());
                // link(2) to a lower file copies it up unchanged: the upper has it, the naive diff sees no change
                assertTrue(extra.remove("C /usr/lib/libfoo.so.1"), "the hardlinked lower file was copied up");
                assertEquals(naive, extra, "native and naive changes agree");
                assertEquals(d.diffSize("C", "B2"), nativeSize);
                assertTrue(nativeSize >= 32 << 20, "the sparse image's apparent size counts: " + nativeSize);
            } finally {
                d.cleanup();
            }
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
        byte[] second = OverlayTesting.naiveTar(ref, changed);
        assertTrue(new String(second, StandardCharsets.ISO_8859_1).contains("usr/lib/libfoo.so.1"),
                "the naive diff links the new name to the lower file");
        try (OverlayDriver d = OverlayTesting.open(fs.root().resolve("store"), Map.of())) {
            try {
                OverlayTesting.image(d, "B", null, OverlayTesting.naiveTar(null, ref));
                OverlayTesting.image(d, "L2", "B", second);
                assertTrue(FileStat.of(d.layout().diff("L2").resolve("opt/old")).isWhiteout());
                assertEquals(2, FileStat.of(d.layout().diff("L2").resolve("usr/lib/libfoo-hard")).nlink(),
                        "the link's lower target was copied up beside it");
                Path view = d.get("L2");
                try {
                    TreeSnapshot.of(changed).assertSame(view, Ignore.ROOT);
                    assertTrue(OverlayTesting.isReadOnlyMount(view));
                } finally {
                    d.put("L2");
                }
                Path target = fs.root().resolve("target");
                TreeCopy.copy(ref, target);
                Layers.apply(new ByteArrayInputStream(OverlayTesting.diff(d, "L2", null)), target, ApplyOptions.DEFAULT);
                TreeSnapshot.of(changed).assertSame(target, Ignore.ROOT);
            } finally {
                d.cleanup();
            }
        }
    }
}
