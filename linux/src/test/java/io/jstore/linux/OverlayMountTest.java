package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Overlays on a real xfs: through the new mount API one lower per call, and through mount(2).
 * One filesystem for the class (a constructor parameter lives as long as the class context).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OverlayMountTest {
    private final ScratchFilesystem fs;
    private final Path lower1;
    private final Path lower2;
    private final Path upper;
    private final Path work;
    private final Path merged;

    OverlayMountTest(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        this.fs = fs;
        Path r = fs.root();
        lower1 = Files.createDirectories(r.resolve("l1"));
        lower2 = Files.createDirectories(r.resolve("l2"));
        upper = Files.createDirectories(r.resolve("upper"));
        work = Files.createDirectories(r.resolve("work"));
        merged = Files.createDirectories(r.resolve("merged"));
        Files.writeString(lower1.resolve("top"), "from l1");
        Files.writeString(lower2.resolve("top"), "from l2");
        Files.writeString(lower2.resolve("only2"), "l2");
        Files.writeString(lower2.resolve("gone"), "hidden by a whiteout");
        Inodes.whiteout(lower1.resolve("gone"));
    }

    private void assertMerged() throws Exception {
        // the first lower wins; a whiteout in it hides the name of the lower below
        assertEquals("from l1", Files.readString(merged.resolve("top")));
        assertEquals("l2", Files.readString(merged.resolve("only2")));
        assertFalse(Files.exists(merged.resolve("gone")));
        Path fresh = Files.createTempFile(merged, "new", "");
        Files.writeString(fresh, "written");
        assertEquals("written", Files.readString(upper.resolve(fresh.getFileName())));
        assertEquals("overlay", MountInfo.at(merged).orElseThrow().fsType());
        assertEquals("overlay", Filesystems.statfs(merged).type());
    }

    @Test
    void newMountApiOneLowerPerCall() throws Exception {
        assertTrue(FsContext.supported("overlay"));
        try (FsContext ctx = FsContext.open("overlay")) {
            ctx.setString("lowerdir+", lower1.toString())
               .setString("lowerdir+", lower2.toString())
               .setString("upperdir", upper.toString())
               .setString("workdir", work.toString());
            try (FsContext.DetachedMount m = ctx.mount(0)) {
                m.moveTo(merged);
            }
        }
        try {
            assertMerged();
            MountInfo.Entry e = MountInfo.at(merged).orElseThrow();
            assertTrue(e.superOptions().contains("lowerdir+=" + lower1) || String.join(",", e.superOptions())
                    .contains(lower1.toString()), e.superOptions().toString());
        } finally {
            Mounts.unmount(merged);
        }
        assertFalse(MountInfo.isMountPoint(merged));
    }

    @Test
    void classicMountWithOptionString() throws Exception {
        Mounts.mount("overlay", merged, "overlay", List.of(
                "lowerdir=" + lower1 + ":" + lower2, "upperdir=" + upper, "workdir=" + work));
        try {
            assertMerged();
        } finally {
            Mounts.unmount(merged);
        }
    }

    @Test
    void failingMountNamesCallErrnoAndPath() {
        // upperdir without workdir: overlayfs refuses with EINVAL
        SyscallException e = assertThrows(SyscallException.class, () -> Mounts.mount("overlay", merged, "overlay",
                List.of("lowerdir=" + lower1, "upperdir=" + upper)));
        assertEquals("mount(overlay -> " + merged + "): EINVAL (Invalid argument)", e.getMessage());
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(List.of(Path.of("overlay"), merged), e.paths());
        assertFalse(MountInfo.isMountPoint(merged));
    }

    @Test
    void newMountApiFailureCarriesTheKernelsReason() throws Exception {
        try (FsContext ctx = FsContext.open("overlay")) {
            ctx.setString("lowerdir+", lower1.toString()).setString("upperdir", upper.toString());
            SyscallException e = assertThrows(SyscallException.class, () -> ctx.mount(0));
            assertTrue(e.getMessage().startsWith("fsconfig(create)(overlay): EINVAL (Invalid argument)"), e.getMessage());
        }
        try (FsContext ctx = FsContext.open("overlay")) {
            SyscallException e = assertThrows(SyscallException.class, () -> ctx.setFlag("bogus"));
            // the fs context's log says more than the errno: "e overlay: Unknown parameter 'bogus'"
            assertTrue(e.getMessage().startsWith("fsconfig(bogus)(overlay): EINVAL (Invalid argument): "), e.getMessage());
            assertTrue(e.getMessage().contains("Unknown parameter 'bogus'"), e.getMessage());
        }
        SyscallException missing = assertThrows(SyscallException.NotFoundException.class, () -> {
            try (FsContext ctx = FsContext.open("overlay")) {
                ctx.setString("lowerdir+", fs.root().resolve("no-such-layer").toString());
            }
        });
        assertEquals(Errno.ENOENT, missing.errno());
    }

    @Test
    void manyLowersThroughLowerdirPlus() throws Exception {
        // beyond what fits mount(2)'s one-page option string with these path lengths
        List<Path> lowers = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            Path l = Files.createDirectories(fs.root().resolve("layers/" + "x".repeat(40) + i));
            Files.writeString(l.resolve("f" + i), Integer.toString(i));
            lowers.add(l);
        }
        assertTrue(String.join(":", lowers.stream().map(Path::toString).toList()).length() > 4096);
        try (FsContext ctx = FsContext.open("overlay")) {
            for (Path l : lowers) ctx.setString("lowerdir+", l.toString());
            try (FsContext.DetachedMount m = ctx.mount(FsContext.MOUNT_ATTR_RDONLY)) {
                m.moveTo(merged);
            }
        }
        try {
            assertEquals("0", Files.readString(merged.resolve("f0")));
            assertEquals("119", Files.readString(merged.resolve("f119")));
            assertTrue(MountInfo.at(merged).orElseThrow().readOnly());
        } finally {
            Mounts.unmount(merged);
        }
    }
}
