package io.jstore.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.FileStat;
import io.jstore.linux.Inodes;
import io.jstore.linux.Xattrs;
import io.jstore.linux.testing.Root;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lower stacks merged as overlayfs merges them, and hardlinks into an upper that copy their target up. */
class OverlayLowersTest {
    @TempDir
    Path tmp;
    Path top;
    Path middle;
    Path bottom;

    @BeforeEach
    void stack() throws Exception {
        Root.assumeRoot();
        top = Files.createDirectories(tmp.resolve("top/etc"));
        top = top.getParent();
        middle = Files.createDirectories(tmp.resolve("middle/opt"));
        middle = middle.getParent();
        bottom = Files.createDirectories(tmp.resolve("bottom/etc"));
        bottom = bottom.getParent();
        Files.createDirectories(bottom.resolve("opt"));
        Files.writeString(bottom.resolve("etc/passwd"), "root");
        Files.writeString(bottom.resolve("etc/gone"), "gone");
        Files.writeString(bottom.resolve("opt/hidden"), "hidden by an opaque dir");
        Inodes.chmod(bottom.resolve("etc"), 0750);
        Inodes.chmod(top.resolve("etc"), 0710); // the topmost dir's metadata is what the merged view shows
        Inodes.whiteout(top.resolve("etc/gone"));
        Xattrs.set(middle.resolve("opt"), "trusted.overlay.opaque", new byte[] {'y'});
        Files.writeString(middle.resolve("opt/new"), "new");
    }

    @Test
    void whiteoutsAndOpaqueDirsHideWhatIsBelowThem() throws Exception {
        List<Path> lowers = List.of(top, middle, bottom);
        assertEquals(bottom.resolve("etc/passwd"), OverlayLowers.find(lowers, List.of("etc", "passwd")));
        assertNull(OverlayLowers.find(lowers, List.of("etc", "gone")));
        assertNull(OverlayLowers.find(lowers, List.of("opt", "hidden")));
        assertEquals(middle.resolve("opt/new"), OverlayLowers.find(lowers, List.of("opt", "new")));
        assertTrue(OverlayLowers.isDir(lowers, "/opt"));
    }

    @Test
    void aHardlinkToALowerFileCopiesItUpWithItsParentsMetadata() throws Exception {
        Path upper = Files.createDirectory(tmp.resolve("upper"));
        byte[] tar = layer(w -> {
            Path src = Files.createDirectories(tmp.resolve("src/etc"));
            Files.writeString(src.resolve("passwd"), "root");
            Files.createLink(src.resolveSibling("passwd-"), src.resolve("passwd"));
            w.linkToExisting(FileStat.of(src.resolve("passwd")), "/etc/passwd");
            w.add(tmp.resolve("src"), "/passwd-");
        });
        Layers.apply(new ByteArrayInputStream(tar), upper, ApplyOptions.overlay(List.of(top, middle, bottom)));
        assertEquals("root", Files.readString(upper.resolve("passwd-")));
        assertEquals(2, FileStat.of(upper.resolve("etc/passwd")).nlink());
        assertEquals(0710, FileStat.of(upper.resolve("etc")).permissions(), "the made parent looks like the lower's");

        byte[] toHidden = layer(w -> {
            Path src = Files.createDirectories(tmp.resolve("src2/etc"));
            Files.writeString(src.resolve("gone"), "x");
            Files.createLink(src.resolve("gone-"), src.resolve("gone"));
            w.linkToExisting(FileStat.of(src.resolve("gone")), "/etc/gone");
            w.add(tmp.resolve("src2"), "/etc/gone-");
        });
        Path upper2 = Files.createDirectory(tmp.resolve("upper2"));
        assertThrows(LayerFormatException.class, () -> Layers.apply(new ByteArrayInputStream(toHidden), upper2,
                ApplyOptions.overlay(List.of(top, middle, bottom))), "a whited-out lower file is no link target");
    }

    private interface Writes {
        void run(LayerWriter w) throws Exception;
    }

    private static byte[] layer(Writes writes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LayerWriter w = new LayerWriter(out)) {
            writes.run(w);
        }
        return out.toByteArray();
    }
}
