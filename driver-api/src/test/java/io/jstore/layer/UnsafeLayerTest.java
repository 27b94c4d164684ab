package io.jstore.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.layer.testing.TreeSnapshot;
import io.jstore.linux.FileStat;
import io.jstore.linux.Xattrs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Layers written to break out of the target, after the CVEs against container unpackers
 * (docker cp / tar symlink races, CVE-2018-15664; hardlink and whiteout escapes in umoci and
 * containerd, CVE-2021-29136, CVE-2022-23648-like). Whatever each tar does, the tree beside
 * the target ({@code outside}, and the real path an absolute name spells) must be untouched.
 */
class UnsafeLayerTest {
    @TempDir
    Path tmp;
    Path target;
    Path outside;
    TreeSnapshot before;

    @BeforeEach
    void trees() throws IOException {
        target = Files.createDirectory(tmp.resolve("target"));
        outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "secret");
        Files.createDirectory(outside.resolve("dir"));
        Files.writeString(outside.resolve("dir/keep"), "keep");
        before = TreeSnapshot.of(outside);
    }

    @AfterEach
    void outsideUntouched() throws IOException {
        before.assertSame(outside);
    }

    private String out() {
        return outside.toString();
    }

    private void apply(TestTar t, ApplyOptions o) throws IOException {
        Layers.apply(new ByteArrayInputStream(t.build()), target, o);
    }

    private void refused(TestTar t, String entry) {
        UnsafeEntryException e = assertThrows(UnsafeEntryException.class, () -> apply(t, ApplyOptions.DEFAULT));
        assertEquals(entry, e.entry());
        assertTrue(e.getMessage().contains(entry), e.getMessage());
    }

    @Test
    void dotDotNamesAreRefused() {
        refused(new TestTar().file("../outside/secret", "pwned"), "../outside/secret");
        refused(new TestTar().dir("a/").file("a/../../outside/new", "x"), "a/../../outside/new");
        refused(new TestTar().file("./a/b/../../../x", "x"), "./a/b/../../../x");
    }

    @Test
    void absoluteNamesLandInsideTheTarget() throws IOException {
        apply(new TestTar().file(out() + "/secret", "pwned").file("/etc-absolute", "in"), ApplyOptions.DEFAULT);
        assertEquals("pwned", Files.readString(target.resolve(out().substring(1) + "/secret")));
        assertEquals("in", Files.readString(target.resolve("etc-absolute")));
    }

    @Test
    void symlinkMadeEarlierInTheTarIsNotFollowedOut() throws IOException {
        TestTar t = new TestTar().symlink("abs", out()).symlink("rel", "../../../../../../../" + out())
                .symlink("dot", "..");
        assertThrows(LayerFormatException.class, () -> apply(t.file("abs/secret", "pwned"), ApplyOptions.DEFAULT));
        assertThrows(LayerFormatException.class, () -> apply(new TestTar().symlink("rel", "../../../../" + out())
                .file("rel/new", "pwned"), ApplyOptions.DEFAULT));
        // ".." from the root stays at the root: this writes target/new
        apply(new TestTar().symlink("dot", "..").file("dot/new", "inside"), ApplyOptions.DEFAULT);
        assertEquals("inside", Files.readString(target.resolve("new")));
    }

    @Test
    void symlinkAlreadyInTheTargetIsNotFollowedOut() throws IOException {
        Files.createSymbolicLink(target.resolve("evil"), outside);
        Files.createSymbolicLink(target.resolve("evilfile"), outside.resolve("secret"));
        assertThrows(LayerFormatException.class, () -> apply(new TestTar().file("evil/dir/keep", "pwned"), ApplyOptions.DEFAULT));
        // a file entry over a symlink replaces the link, never writes through it
        apply(new TestTar().file("evilfile", "replaced"), ApplyOptions.DEFAULT);
        assertFalse(FileStat.of(target.resolve("evilfile")).isSymlink());
        // a directory entry over a symlink to a directory replaces it; its mode goes on the new dir
        Files.createSymbolicLink(target.resolve("evildir"), outside.resolve("dir"));
        apply(new TestTar().dir("evildir/", 0777), ApplyOptions.DEFAULT);
        assertTrue(FileStat.of(target.resolve("evildir")).isDirectory());
    }

    @Test
    void directoryReplacedBySymlinkMidTarDoesNotRedirectLaterEntries() throws IOException {
        TestTar t = new TestTar().dir("a/").file("a/f", "f").symlink("a", out()).file("a/new", "pwned");
        assertThrows(LayerFormatException.class, () -> apply(t, ApplyOptions.DEFAULT));
        assertFalse(Files.exists(outside.resolve("new")));
    }

    @Test
    void hardlinksCannotReachOutside() throws IOException {
        refused(new TestTar().hardlink("h", "../outside/secret"), "h");
        // absolute link names resolve inside the target, where there is no such file
        assertThrows(LayerFormatException.class, () -> apply(new TestTar().hardlink("h", out() + "/secret"), ApplyOptions.DEFAULT));
        // nor through a symlink made earlier in the tar or present in the target
        assertThrows(LayerFormatException.class, () -> apply(new TestTar().symlink("s", out()).hardlink("h", "s/secret"),
                ApplyOptions.DEFAULT));
        Files.createSymbolicLink(target.resolve("t"), outside);
        assertThrows(LayerFormatException.class, () -> apply(new TestTar().hardlink("h", "t/secret"), ApplyOptions.DEFAULT));
        // a link to a symlink links the symlink itself; writing the name later replaces it
        Files.createSymbolicLink(target.resolve("ls"), outside.resolve("secret"));
        apply(new TestTar().hardlink("h2", "ls").file("h2", "replaced"), ApplyOptions.DEFAULT);
        assertTrue(FileStat.of(target.resolve("ls")).isSymlink());
        assertEquals("replaced", Files.readString(target.resolve("h2")));
    }

    /** One entry of each kind at {@code name}: its parent is resolved, and the name itself made, inside the target. */
    private static TestTar eachKind(TestTar t, String name, int i) {
        return switch (i) {
            case 0 -> t.file(name, "pwned");
            case 1 -> t.dir(name + "/", 0777);
            case 2 -> t.symlink(name, "/pwned");
            case 3 -> t.entry(name, TarEntry.FIFO, "", new byte[0], 0666);
            case 4 -> t.entry(new TarEntry(name, TarEntry.CHAR_DEVICE, 0666, 0, 0, 0, 0, -1, "", 1, 3, Map.of()), new byte[0]);
            default -> t.file("src", "inside").hardlink(name, "src");
        };
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void noEntryKindGoesThroughASymlinkOrFollowsOneItReplaces(int kind) throws IOException {
        // a parent that is a symlink made earlier in the tar, or already in the target
        assertThrows(LayerFormatException.class, () -> apply(eachKind(new TestTar().symlink("abs", out()), "abs/new", kind),
                ApplyOptions.DEFAULT));
        Files.createSymbolicLink(target.resolve("in-target"), outside.resolve("dir"));
        assertThrows(LayerFormatException.class, () -> apply(eachKind(new TestTar(), "in-target/new", kind), ApplyOptions.DEFAULT));
        // the final name a symlink to outside: the entry replaces the link, never writes through it
        Files.createSymbolicLink(target.resolve("last"), outside.resolve("secret"));
        apply(eachKind(new TestTar(), "last", kind), ApplyOptions.DEFAULT);
        FileStat st = FileStat.of(target.resolve("last"));
        assertTrue(kind == 2 ? Files.readSymbolicLink(target.resolve("last")).toString().equals("/pwned") : !st.isSymlink());
        assertTrue(Files.exists(outside.resolve("secret")));
    }

    @Test
    void hardlinkToADirectoryIsRefused() throws IOException {
        refused(new TestTar().dir("d/").hardlink("h", "d"), "h");
    }

    @Test
    void aFileEntryOverAHardlinkedTargetFileDoesNotChangeTheOtherName() throws IOException {
        Files.writeString(target.resolve("orig"), "orig");
        apply(new TestTar().hardlink("alias", "orig").file("alias", "new content"), ApplyOptions.DEFAULT);
        assertEquals("orig", Files.readString(target.resolve("orig")));
        assertEquals("new content", Files.readString(target.resolve("alias")));
    }

    @ParameterizedTest
    @EnumSource(ApplyOptions.WhiteoutMode.class)
    void whiteoutNamesCannotEscape(ApplyOptions.WhiteoutMode mode) throws IOException {
        ApplyOptions o = new ApplyOptions(mode, true);
        for (String name : new String[] {".wh..", ".wh.", "a/.wh..", ".wh..wh.x"}) {
            UnsafeEntryException e = assertThrows(UnsafeEntryException.class, () -> apply(new TestTar().file(name, ""), o));
            assertEquals(name, e.entry());
        }
        assertThrows(UnsafeEntryException.class, () -> apply(new TestTar().file("../outside/.wh.secret", ""), o));
        Files.createSymbolicLink(target.resolve("s"), outside);
        // through a symlink in the target: resolves inside, where there is nothing to delete
        // (an overlay upper must hold the parent, and a symlink is no directory: refused)
        TestTar through = new TestTar().file("s/.wh.secret", "").file("s/dir/.wh..wh..opq", "");
        if (mode == ApplyOptions.WhiteoutMode.OVERLAY_UPPER) {
            assertThrows(LayerFormatException.class, () -> apply(through, o));
        } else {
            apply(through, o);
            // a whiteout of the symlink removes the symlink, not what it points at
            apply(new TestTar().file(".wh.s", ""), o);
            assertFalse(Files.exists(target.resolve("s"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void opaqueThroughASymlinkMadeEarlierEmptiesNothingOutside() throws IOException {
        apply(new TestTar().symlink("s", out() + "/dir").file("s/.wh..wh..opq", ""), ApplyOptions.DEFAULT);
        apply(new TestTar().symlink("r", "../outside/dir").file("r/.wh..wh..opq", ""), ApplyOptions.DEFAULT);
    }

    @Test
    void theRootCannotBeReplaced() {
        assertThrows(LayerFormatException.class, () -> apply(new TestTar().symlink("./", out()), ApplyOptions.DEFAULT));
        assertThrows(LayerFormatException.class, () -> apply(new TestTar().file(".", "x"), ApplyOptions.DEFAULT));
        assertThrows(LayerFormatException.class, () -> apply(new TestTar().file("/", "x"), ApplyOptions.DEFAULT));
    }

    @ParameterizedTest
    @EnumSource(ApplyOptions.WhiteoutMode.class)
    void overlayMarkersCannotBeForgedThroughXattrs(ApplyOptions.WhiteoutMode mode) throws IOException {
        Map<String, byte[]> forged = Map.of("trusted.overlay.opaque", "y".getBytes(StandardCharsets.US_ASCII),
                "trusted.overlay.redirect", ("/" + out()).getBytes(StandardCharsets.UTF_8),
                "user.kept", "v".getBytes(StandardCharsets.US_ASCII));
        apply(new TestTar().entry(new TarEntry("d/", TarEntry.DIRECTORY, 0755, 0, 0, 0, 0, -1, "", 0, 0, forged), new byte[0]),
                new ApplyOptions(mode, true));
        assertEquals(java.util.List.of("user.kept"), Xattrs.list(target.resolve("d")));
    }
}
