package io.jstore.linux.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.Filesystems;
import io.jstore.linux.LoopDevice;
import io.jstore.linux.MountInfo;
import io.jstore.linux.Mounts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class ScratchFilesystemTest {

    @ParameterizedTest
    @EnumSource(value = FsType.class, names = {"EXT4", "XFS", "BTRFS", "TMPFS"})
    void makesMountsAndRemovesEverything(FsType type) throws Exception {
        ScratchFilesystem fs = ScratchFilesystem.create(type, 512L << 20);
        Path dir = fs.directory();
        Path image = fs.image();
        int loop = -1;
        try {
            assertTrue(dir.toString().contains("jstore"));
            assertEquals(dir.resolve("mnt"), fs.root());
            MountInfo.Entry m = MountInfo.at(fs.root()).orElseThrow();
            assertEquals(type.kernelName(), m.fsType());
            assertEquals(type.kernelName(), Filesystems.typeName(Filesystems.statfs(fs.root()).magic()));
            Files.writeString(fs.root().resolve("hello"), "hi");
            if (type.needsImage()) {
                loop = fs.loop().number();
                assertEquals(image, LoopDevice.backingFileOf(loop).orElseThrow());
                assertTrue(Files.size(image) >= 512L << 20);
            } else {
                assertEquals(null, fs.loop());
            }
            // a test's own mount below the fixture goes with it
            Path sub = Files.createDirectory(fs.root().resolve("sub"));
            Mounts.mount("inner", sub, "tmpfs", Set.of(), "size=1m");
        } finally {
            fs.close();
        }
        assertTrue(MountInfo.under(dir).isEmpty(), "nothing mounted under " + dir);
        assertFalse(Files.exists(dir));
        if (image != null) assertTrue(LoopDevice.attachedTo(image).isEmpty());
        if (loop >= 0) {
            int n = loop;
            assertFalse(LoopDevice.backingFileOf(n).filter(f -> f.startsWith(dir)).isPresent());
        }
        fs.close(); // idempotent
    }

    @Test
    void cleansDirectoriesOfDeadJvmsOnly() throws Exception {
        Root.assumeRoot();
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long dead = p.pid();
        Path stale = Files.createDirectories(ScratchFilesystem.BASE.resolve(dead + "-0"));
        Path mine = Files.createDirectories(ScratchFilesystem.BASE.resolve(ProcessHandle.current().pid() + "-9999"));
        try {
            Path mnt = Files.createDirectory(stale.resolve("mnt"));
            Path image = stale.resolve("image");
            try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
                f.setLength(16 << 20);
            }
            run("mkfs.ext4", "-q", "-F", image.toString());
            // as a killed JVM leaves it: the loop's descriptor is gone, its mount holds it
            int n;
            try (LoopDevice loop = LoopDevice.attach(image, false, false)) {
                n = loop.number();
                Mounts.mount(loop.path().toString(), mnt, "ext4", Set.of(), null);
            }
            Files.createDirectory(mnt.resolve("deeper"));
            Mounts.mount("stale2", mnt.resolve("deeper"), "tmpfs", Set.of(), "size=1m");
            // and a second binding of the image without autoclear, as losetup makes it
            String dev = run("losetup", "-f", "--show", image.toString()).strip();
            assertTrue(StaleScratch.isStale(stale));
            assertFalse(StaleScratch.isStale(mine), "our own pid is alive");

            StaleScratch.clean(ScratchFilesystem.BASE);

            assertFalse(Files.exists(stale));
            assertTrue(MountInfo.under(stale).isEmpty());
            assertTrue(Files.exists(mine), "a live JVM's directory is never touched");
            assertTrue(LoopDevice.attachedTo(image).isEmpty(), "loops of the stale image detached (" + n + ", " + dev + ")");
        } finally {
            Teardown.remove(stale, null);
            Files.deleteIfExists(mine);
        }
    }

    @Test
    void aKilledJvmsFilesystemIsCleanedByTheNextRun() throws Exception {
        Root.assumeRoot();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, ScratchChild.class.getName(), "XFS").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Path dir;
        int loop;
        try {
            String out = new BufferedReader(new InputStreamReader(child.getInputStream())).readLine();
            assertNotNull(out, "the child made no scratch filesystem (its stderr is above)");
            String[] line = out.split(" ");
            dir = Path.of(line[0]);
            loop = Integer.parseInt(line[1]);
        } finally {
            child.destroyForcibly(); // SIGKILL: no finally, no shutdown hook runs in the child
            child.waitFor();
        }
        assertTrue(MountInfo.isMountPoint(dir.resolve("mnt")), "the killed JVM left its mount");
        assertEquals(dir.resolve("image"), LoopDevice.backingFileOf(loop).orElseThrow());
        assertTrue(StaleScratch.isStale(dir));

        StaleScratch.clean(ScratchFilesystem.BASE);

        assertFalse(Files.exists(dir));
        assertTrue(MountInfo.under(dir).isEmpty());
        assertTrue(LoopDevice.attachedTo(dir.resolve("image")).isEmpty(), "autoclear unbound the loop on unmount");
    }

    private static String run(String... cmd) throws Exception {
        Root.assumeTool(cmd[0]);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
