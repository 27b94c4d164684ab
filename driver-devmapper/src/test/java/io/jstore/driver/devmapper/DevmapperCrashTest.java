package io.jstore.driver.devmapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.Drivers;
import io.jstore.linux.LoopDevice;
import io.jstore.linux.MountInfo;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nothing of a layer outlives the processes that use it: no mount, no loop device. */
class DevmapperCrashTest {

    @Test
    void aKilledHoldersMountAndDevicesAreGoneAfterReopen(@Scratch(type = FsType.XFS) ScratchFilesystem fs)
            throws Exception {
        Path home = fs.root().resolve("dm");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.nio=ALL-UNNAMED", "-cp", cp, DevmapperChild.class.getName(),
                home.toString(), "C1").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Path root;
        try {
            String out = new BufferedReader(new InputStreamReader(child.getInputStream())).readLine();
            assertNotNull(out, "the child mounted nothing (its stderr is above)");
            root = Path.of(out);
            assertTrue(MountInfo.isMountPoint(root));
        } finally {
            child.destroyForcibly(); // SIGKILL: no finally, no shutdown hook
            child.waitFor();
        }
        assertTrue(MountInfo.isMountPoint(root), "a dead process's mount stays until someone repairs");
        try (DevmapperDriver d = DevmapperDriver.open(home, Map.of())) {
            assertFalse(MountInfo.isMountPoint(root), "repair on open unmounts what no live process holds");
            Path image = ((ReflinkPool) d.pool()).image("C1");
            assertEquals(List.of(), LoopDevice.attachedTo(image), "and the device went with the mount");
            assertTrue(d.exists("C1"));
            d.get("C1");
            d.put("C1");
            d.remove("C1");
        }
    }

    @Test
    void cleanupLeavesNoMountAndNoDevice(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        try (DevmapperDriver d = DevmapperDriver.open(fs.root().resolve("dm"), DevmapperDriverTest.SMALL)) {
            d.create("L1", null, CreateOptions.DEFAULT);
            d.createReadWrite("C1", "L1", CreateOptions.DEFAULT);
            Path root = d.get("C1");
            d.get("C1");
            d.mounts("L1");
            Path l1 = ((ReflinkPool) d.pool()).image("L1");
            Path c1 = ((ReflinkPool) d.pool()).image("C1");
            assertEquals(1, LoopDevice.attachedTo(l1).size(), "mounts() activates the device for whoever mounts");
            d.cleanup();
            assertFalse(MountInfo.isMountPoint(root));
            assertEquals(List.of(), LoopDevice.attachedTo(l1));
            assertEquals(List.of(), LoopDevice.attachedTo(c1));
            d.remove("C1");
            d.remove("L1");
        }
    }

    @Test
    void registeredWithTheRegistry() {
        assertTrue(Drivers.find("devmapper").orElseThrow() instanceof DevmapperDriverProvider);
    }
}
