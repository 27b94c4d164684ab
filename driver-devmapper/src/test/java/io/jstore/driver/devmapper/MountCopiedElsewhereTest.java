package io.jstore.driver.devmapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.CreateOptions;
import io.jstore.linux.LoopDevice;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Any process on the machine that makes a mount namespace while a layer is mounted gets a
 * copy of that mount (this host's root mount is private: nothing propagates an unmount to
 * the copy), and the copy keeps the layer's filesystem alive after the driver's put. The
 * benchmarks met it as a child missing its parent's files, and a remove that failed.
 */
class MountCopiedElsewhereTest {

    @Test
    void aLayerWhoseMountAnotherNamespaceCopiedIsWholeInItsChildAndCanBeRemoved(
            @Scratch(type = FsType.BTRFS, sizeMiB = 1024) ScratchFilesystem fs) throws Exception {
        Root.assumeTool("unshare");
        try (DevmapperDriver d = DevmapperDriver.open(fs.root().resolve("dm"), DevmapperDriverTest.SMALL)) {
            d.create("L1", null, CreateOptions.DEFAULT);
            Path l1 = d.get("L1");
            Files.writeString(l1.resolve("lower.bin"), "from L1");
            Path image = ((ReflinkPool) d.pool()).image("L1");
            Process holder = holdCopyOfEveryMount();
            try {
                d.put("L1");
                assertEquals(1, LoopDevice.attachedTo(image).size(), "the copy holds L1's device past the put");

                d.createReadWrite("C1", "L1", CreateOptions.DEFAULT);
                assertEquals("from L1", Files.readString(d.get("C1").resolve("lower.bin")),
                        "the child has what L1 held when it was put");
                d.put("C1");
                d.remove("C1");
                d.remove("L1");
                assertFalse(d.exists("L1"));
                assertFalse(Files.exists(image), "the image goes at once; its blocks with the copy");
            } finally {
                holder.destroy();
                holder.waitFor(10, TimeUnit.SECONDS);
            }
            assertEquals(List.of(), LoopDevice.attachedTo(image), "the device went with the last copy");
            assertEquals(List.of(BaseDevice.NAME), d.pool().list().stream().map(ThinDevice::name).toList());
        }
    }

    /** A process in a new mount namespace, once it is there, holding a copy of every mount of ours. */
    private static Process holdCopyOfEveryMount() throws Exception {
        Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sleep", "60")
                .redirectErrorStream(true).start();
        Path ours = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt"));
        Path theirs = Path.of("/proc", Long.toString(p.pid()), "ns", "mnt");
        for (int i = 0; i < 500; i++) {
            if (p.isAlive() && !Files.readSymbolicLink(theirs).equals(ours)
                    && ProcessHandle.of(p.pid()).flatMap(h -> h.info().command()).orElse("").endsWith("sleep")) {
                return p;
            }
            Thread.sleep(10);
        }
        p.destroyForcibly();
        throw new AssertionError("unshare never got to sleep in its own mount namespace");
    }
}
