package io.jstore.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.DriverException;
import io.jstore.driver.Drivers;
import io.jstore.driver.MountSpec;
import io.jstore.linux.Mounts;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The overlay-only parts of the driver around the shared contract: mount paths, specs, ephemeral layers, repair. */
class OverlayDriverTest {

    @Test
    void theProviderIsFoundAndPreferred() {
        assertTrue(Drivers.find("overlay").isPresent());
        assertTrue(Drivers.find("overlay").get().priority() > 10, "above devmapper");
    }

    @Test
    void bothMountPathsStackAChainAndTheSpecsMountTheSameView(@Scratch(type = FsType.EXT4) ScratchFilesystem fs)
            throws Exception {
        OverlayTesting.assumeOverlay();
        for (String api : List.of("legacy", "auto")) {
            Path home = fs.root().resolve("store-" + api);
            try (OverlayDriver d = OverlayTesting.open(home, Map.of(OverlayOptions.MOUNT_API, api))) {
                try {
                    if (api.equals("legacy")) assertEquals(OverlayMounter.Api.LEGACY, d.mountApi());
                    d.create("L0", null, CreateOptions.DEFAULT);
                    Files.writeString(d.layout().diff("L0").resolve("bottom"), "0");
                    d.create("L1", "L0", CreateOptions.DEFAULT);
                    Files.writeString(d.layout().diff("L1").resolve("bottom"), "1");
                    d.createReadWrite("C", "L1", CreateOptions.DEFAULT);
                    Path root = d.get("C");
                    assertEquals(root, d.get("C"), "a second get shares the mount");
                    assertEquals("1", Files.readString(root.resolve("bottom")));
                    Files.writeString(root.resolve("new"), "c");
                    d.put("C");
                    assertFalse(OverlayTesting.notMounted(root), "one reference left");
                    d.put("C");
                    assertTrue(OverlayTesting.notMounted(root), "the last put unmounts");
                    assertEquals("c", Files.readString(d.layout().diff("C").resolve("new")));

                    List<MountSpec> specs = d.mounts("C");
                    assertEquals(1, specs.size());
                    MountSpec s = specs.get(0);
                    assertEquals("overlay", s.type());
                    Path elsewhere = Files.createDirectories(fs.root().resolve("elsewhere-" + api));
                    Mounts.mount(s.source(), elsewhere, s.type(), s.options());
                    try {
                        assertEquals("c", Files.readString(elsewhere.resolve("new")));
                        assertEquals("1", Files.readString(elsewhere.resolve("bottom")));
                    } finally {
                        Mounts.unmount(elsewhere);
                    }
                    Map<String, String> meta = d.metadata("C");
                    assertEquals("2", meta.get("lowers"));
                    assertEquals("L1", meta.get("parent"));
                } finally {
                    d.cleanup();
                }
            }
        }
    }

    @Test
    void anEphemeralLayerMountsVolatileADurableOneDoesNotAndBothMountAgain(@Scratch(type = FsType.EXT4) ScratchFilesystem fs)
            throws Exception {
        OverlayTesting.assumeOverlay();
        try (OverlayDriver d = OverlayTesting.open(fs.root().resolve("store"), Map.of())) {
            try {
                d.create("B", null, CreateOptions.DEFAULT);
                Files.writeString(d.layout().diff("B").resolve("f"), "base");
                d.createReadWrite("V", "B", CreateOptions.EPHEMERAL);
                d.createReadWrite("D", "B", CreateOptions.DEFAULT);
                assertTrue(d.mounts("V").get(0).options().contains("volatile"), d.mounts("V").toString());
                assertFalse(d.mounts("D").get(0).options().contains("volatile"), d.mounts("D").toString());
                Path root = d.get("V");
                assertTrue(OverlayTesting.mountLine(root).contains("volatile"), OverlayTesting.mountLine(root)); // 6.18 shows fsync=volatile
                Path durable = d.get("D");
                assertFalse(OverlayTesting.mountLine(durable).contains("volatile"), OverlayTesting.mountLine(durable));
                d.put("D");
                Files.writeString(root.resolve("f"), "changed");
                d.put("V");
                Path root2 = d.get("V");
                assertEquals("changed", Files.readString(root2.resolve("f")));
                d.put("V");
                assertEquals("1", d.status().details().get("Volatile layers"));
                assertEquals("true", d.metadata("V").get("ephemeral"));
            } finally {
                d.cleanup();
            }
        }
    }

    /**
     * The kernel marks a volatile work dir incompatible and refuses to mount it again until the
     * mark is gone (what a remount after a crash meets): specs handed out before the last mount
     * fail so, and the layer's specs asked for again, or its get, clear the mark and mount.
     */
    @Test
    void aVolatileWorkDirIsRefusedAgainUntilTheDriverClearsTheKernelsMark(@Scratch(type = FsType.EXT4) ScratchFilesystem fs)
            throws Exception {
        OverlayTesting.assumeOverlay();
        try (OverlayDriver d = OverlayTesting.open(fs.root().resolve("store"), Map.of())) {
            Path elsewhere = Files.createDirectories(fs.root().resolve("elsewhere"));
            try {
                d.create("B", null, CreateOptions.DEFAULT);
                d.createReadWrite("V", "B", CreateOptions.EPHEMERAL);
                List<MountSpec> before = d.mounts("V");
                Path root = d.get("V");
                Files.writeString(root.resolve("f"), "written");
                Mounts.unmount(root); // as if the holder died and the mount went with its namespace
                assertTrue(Files.exists(d.layout().work("V").resolve("work/incompat/volatile")),
                        "the kernel's incompat mark stays after an unmount");
                MountSpec s = before.get(0);
                io.jstore.linux.SyscallException refused = assertThrows(io.jstore.linux.SyscallException.class,
                        () -> Mounts.mount(s.source(), elsewhere, s.type(), s.options()));
                assertTrue(refused.getMessage().contains("EINVAL"), refused.getMessage());
                MountSpec again = d.mounts("V").get(0);
                Mounts.mount(again.source(), elsewhere, again.type(), again.options());
                assertEquals("written", Files.readString(elsewhere.resolve("f")));
                Mounts.unmount(elsewhere);
                d.put("V");
                assertEquals("written", Files.readString(d.get("V").resolve("f")));
                d.put("V");
            } finally {
                if (!OverlayTesting.notMounted(elsewhere)) Mounts.unmount(elsewhere);
                d.cleanup();
            }
        }
    }

    @Test
    void reopeningSweepsWhatAnInterruptedCreateOrRemoveLeft(@Scratch(type = FsType.EXT4) ScratchFilesystem fs)
            throws Exception {
        OverlayTesting.assumeOverlay();
        Path home = fs.root().resolve("store");
        try (OverlayDriver d = OverlayTesting.open(home, Map.of())) {
            d.create("B", null, CreateOptions.DEFAULT);
        }
        // A create that died before its rename: staging dir with a link file, and its short link.
        Path staging = Files.createDirectories(home.resolve(".tmp-X/diff"));
        Files.writeString(staging.getParent().resolve("link"), "AAAAAAAAAAAA");
        Files.createSymbolicLink(home.resolve("l/AAAAAAAAAAAA"), Path.of("../X/diff"));
        // A remove that died after renaming aside.
        Files.createDirectories(home.resolve(".rm-Y/diff/sub"));
        try (OverlayDriver d = OverlayTesting.open(home, Map.of())) {
            assertFalse(Files.exists(home.resolve(".tmp-X")));
            assertFalse(Files.exists(home.resolve("l/AAAAAAAAAAAA"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
            assertFalse(Files.exists(home.resolve(".rm-Y")));
            assertTrue(d.exists("B"));
            assertTrue(Files.exists(home.resolve("l/" + d.layout().link("B"))), "a live layer's link stays");
            assertThrows(DriverException.InvalidIdException.class, () -> d.create("l", null, CreateOptions.DEFAULT));
        }
    }
}
