package io.jstore.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.FileStat;
import io.jstore.linux.FsContext;
import io.jstore.linux.Mounts;
import io.jstore.linux.Xattrs;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A layer applied in {@link ApplyOptions#OVERLAY} form is judged by the kernel: the upper dir
 * is mounted over a lower and the merged view must hide what the whiteouts and opaque markers say.
 */
class OverlayUpperApplyTest {

    @Test
    void whiteoutsAndOpaqueDirsHideLowerEntriesInTheMergedView(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Root.assumeRoot();
        Path r = fs.root();
        Path lower = Files.createDirectories(r.resolve("lower"));
        Files.createDirectories(lower.resolve("etc"));
        Files.writeString(lower.resolve("etc/a"), "a");
        Files.writeString(lower.resolve("etc/b"), "b");
        Files.writeString(lower.resolve("gone"), "gone");
        Files.createDirectories(lower.resolve("olddir/sub"));
        Files.writeString(lower.resolve("keep"), "keep");
        Path src = Files.createDirectories(r.resolve("src"));
        Files.createDirectories(src.resolve("etc"));
        Files.writeString(src.resolve("etc/c"), "c");
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        try (LayerWriter w = new LayerWriter(layer)) {
            w.add(src, "/etc");
            w.opaque("/etc");
            w.add(src, "/etc/c");
            w.whiteout("/gone");
            w.whiteout("/olddir");
        }
        Path upper = Files.createDirectories(r.resolve("upper"));
        Layers.apply(new ByteArrayInputStream(layer.toByteArray()), upper, ApplyOptions.OVERLAY);

        assertTrue(FileStat.of(upper.resolve("gone")).isWhiteout());
        assertTrue(FileStat.of(upper.resolve("olddir")).isWhiteout());
        assertArrayEquals(new byte[] {'y'}, Xattrs.get(upper.resolve("etc"), "trusted.overlay.opaque").orElseThrow());
        Path merged = mount(r, lower, upper);
        try {
            assertEquals(List.of("c"), names(merged.resolve("etc")));
            assertEquals(List.of("etc", "keep"), names(merged));
            assertEquals("c", Files.readString(merged.resolve("etc/c")));
        } finally {
            Mounts.unmount(merged);
        }
    }

    /**
     * The root's marker goes on the upper root itself (through the root's descriptor, which the
     * magic-link bug broke). The kernel (6.18) ignores opaque on an upper root in the merged
     * view, so this checks the xattr, not the merged view.
     */
    @Test
    void anOpaqueMarkerInTheRootMarksTheUpperRoot(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Root.assumeRoot();
        Path src = Files.createDirectories(fs.root().resolve("src"));
        Files.writeString(src.resolve("new"), "new");
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        try (LayerWriter w = new LayerWriter(layer)) {
            w.opaque("/");
            w.add(src, "/new");
        }
        Path upper = Files.createDirectories(fs.root().resolve("upper"));
        Layers.apply(new ByteArrayInputStream(layer.toByteArray()), upper, ApplyOptions.OVERLAY);
        assertArrayEquals(new byte[] {'y'}, Xattrs.get(upper, "trusted.overlay.opaque").orElseThrow());
        assertEquals(List.of("new"), names(upper));
    }

    private static Path mount(Path r, Path lower, Path upper) throws IOException {
        Path work = Files.createDirectories(r.resolve("work"));
        Path merged = Files.createDirectories(r.resolve("merged"));
        try (FsContext ctx = FsContext.open("overlay")) {
            ctx.setString("lowerdir+", lower.toString()).setString("upperdir", upper.toString())
               .setString("workdir", work.toString());
            try (FsContext.DetachedMount m = ctx.mount(0)) {
                m.moveTo(merged);
            }
        }
        return merged;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
