package io.jstore.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.DriverStatus;
import io.jstore.driver.Probe;
import io.jstore.linux.FsContext;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What probe refuses, with the reason, and what status reports of the backing filesystem. */
class OverlayProbeTest {

    @Test
    void refusesABackingFilesystemWithoutDType(@Scratch(type = FsType.EXT4_NOFTYPE) ScratchFilesystem fs) {
        OverlayTesting.assumeOverlay();
        Probe p = OverlayProbe.probe(fs.root().resolve("store"));
        assertFalse(p.supported(), p.toString());
        assertTrue(p.reason().contains("without d_type"), p.reason());
    }

    @Test
    void refusesAHomeInsideAnOverlay(@Scratch(type = FsType.EXT4) ScratchFilesystem fs) throws Exception {
        OverlayTesting.assumeOverlay();
        Path r = fs.root();
        Path lower = Files.createDirectory(r.resolve("lower"));
        Path upper = Files.createDirectory(r.resolve("upper"));
        Path work = Files.createDirectory(r.resolve("work"));
        Path merged = Files.createDirectory(r.resolve("merged"));
        try (FsContext ctx = FsContext.open("overlay")) {
            ctx.setString("lowerdir", lower.toString()).setString("upperdir", upper.toString())
                    .setString("workdir", work.toString());
            try (FsContext.DetachedMount m = ctx.mount(0)) {
                m.moveTo(merged);
            }
        }
        try {
            Probe p = OverlayProbe.probe(merged.resolve("var/lib/jstore"));
            assertFalse(p.supported(), p.toString());
            assertTrue(p.reason().contains("is on overlay"), p.reason());
            assertTrue(OverlayProbe.probe(r.resolve("store")).supported(), "beside the overlay it is fine");
        } finally {
            OverlayMounter.unmount("probe", merged);
        }
        assertTrue(OverlayTesting.notMounted(merged));
    }

    @Test
    void xfsWithReflinkCopiesUpByCloning(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        OverlayTesting.assumeOverlay();
        Probe p = OverlayProbe.probe(fs.root().resolve("store"));
        assertTrue(p.supported(), p.toString());
        assertTrue(p.reason().contains("reflink"), p.reason());
        try (OverlayDriver d = OverlayTesting.open(fs.root().resolve("store"),
                java.util.Map.of(OverlayOptions.MOUNT_API, "legacy"))) {
            d.create("B", null, io.jstore.driver.CreateOptions.DEFAULT);
            DriverStatus st = d.status();
            assertEquals("xfs", st.backingFilesystem());
            assertTrue(st.dType());
            assertEquals(1, st.layers());
            assertTrue(st.details().get("Copy-up by clone").startsWith("yes"), st.details().toString());
            assertTrue(st.details().get("Mount API").startsWith("mount(2)"), st.details().toString());
            assertTrue(st.details().get("Native diff").startsWith("yes"), st.details().toString());
        }
    }

    @Test
    void ext4CopiesUpTheData(@Scratch(type = FsType.EXT4) ScratchFilesystem fs) throws Exception {
        OverlayTesting.assumeOverlay();
        assertTrue(OverlayProbe.probe(fs.root()).supported());
        java.util.Map<String, String> st = OverlayStatus.details(OverlayProbe.backing(fs.root()),
                OverlayMounter.Api.LOWERDIR_PLUS, Optional.of("mount option redirect_dir=on"), List.of(), 0);
        assertTrue(st.get("Copy-up by clone").startsWith("no (ext4"), st.toString());
        assertTrue(st.get("Native diff").contains("redirect_dir=on"), st.toString());
        assertTrue(st.get("Mount API").contains("up to 500 lowers"), st.toString());
    }
}
