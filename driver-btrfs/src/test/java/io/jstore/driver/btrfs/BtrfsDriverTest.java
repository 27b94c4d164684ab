package io.jstore.driver.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.Driver;
import io.jstore.driver.DriverException;
import io.jstore.driver.MountSpec;
import io.jstore.driver.Probe;
import io.jstore.linux.Btrfs;
import io.jstore.linux.BtrfsSubvolumes;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BtrfsDriverTest {

    @Test
    void layersAreSubvolumesAndChildrenSnapshots(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        Path src = Files.createDirectories(fs.root().resolve("src/etc"));
        Files.writeString(src.resolve("hostname"), "base\n");
        Path home = fs.root().resolve("home");
        try (Driver d = BtrfsTesting.open(home)) {
            BtrfsTesting.imageLayer(d, "base", null, fs.root().resolve("src"));
            d.createReadWrite("ctr", "base", null);

            Path base = home.resolve("btrfs/subvolumes/base");
            Path ctr = home.resolve("btrfs/subvolumes/ctr");
            assertTrue(Btrfs.isSubvolume(base) && Btrfs.isSubvolume(ctr));
            assertTrue(Btrfs.isReadOnly(base), "a committed layer is a read-only subvolume");
            assertFalse(Btrfs.isReadOnly(ctr));
            assertEquals(BtrfsSubvolumes.info(base).uuid(), BtrfsSubvolumes.info(ctr).parentUuid(), "the child is a snapshot");
            assertThrows(FileSystemException.class, () -> Files.writeString(base.resolve("etc/hostname"), "x"));

            assertEquals(List.of(MountSpec.root("bind", ctr.toString(), List.of("bind", "rw"))), d.mounts("ctr"));
            assertTrue(d.mounts("base").get(0).readOnly());
            Path root = d.get("ctr");
            assertEquals(ctr, root);
            assertEquals("base\n", Files.readString(root.resolve("etc/hostname")));
            Files.writeString(root.resolve("etc/hostname"), "ctr\n");
            assertEquals("base\n", Files.readString(base.resolve("etc/hostname")));
            assertEquals("1", d.metadata("ctr").get("mountCount"));
            DriverException busy = assertThrows(DriverException.LayerInUseException.class, () -> d.remove("ctr"));
            assertTrue(busy.getMessage().contains("mounted"), busy.getMessage());
            d.put("ctr");
            assertThrows(DriverException.LayerInUseException.class, () -> d.remove("base"), "a parent stays");

            assertEquals("true", d.metadata("base").get("readOnly"));
            assertEquals(String.valueOf(Btrfs.subvolumeId(ctr)), d.metadata("ctr").get("subvolumeId"));
            d.remove("ctr");
            assertFalse(Files.exists(ctr));
            d.remove("base");
            assertFalse(Files.exists(base));
            assertFalse(d.exists("base"));
        }
    }

    @Test
    void removeTakesNestedSubvolumesAlong(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        Path home = fs.root().resolve("home");
        try (Driver d = BtrfsTesting.open(home)) {
            d.create("base", null, null);
            d.createReadWrite("ctr", "base", null);
            Path root = d.get("ctr");
            Files.createDirectories(root.resolve("var/lib/machines"));
            Btrfs.createSubvolume(root.resolve("var/lib/machines/inner"));
            Btrfs.createSubvolume(root.resolve("var/lib/machines/inner/deeper"));
            Btrfs.snapshot(root.resolve("var/lib/machines/inner"), root.resolve("snap"), true);
            Files.writeString(root.resolve("var/lib/machines/inner/deeper/f"), "x");
            d.put("ctr");
            assertEquals(2, BtrfsSubvolumes.nested(root).size());

            d.remove("ctr");
            assertFalse(Files.exists(root));
            assertTrue(BtrfsSubvolumes.nested(home.resolve("btrfs/subvolumes").getParent().getParent()).stream()
                    .noneMatch(n -> n.path().contains("ctr")), "no subvolume of the layer is left");
        }
    }

    @Test
    void imageLayersOpenOnlyForApply(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        Path a = Files.createDirectories(fs.root().resolve("a"));
        Files.writeString(a.resolve("one"), "1");
        Path b = Files.createDirectories(fs.root().resolve("b"));
        Files.writeString(b.resolve("two"), "2");
        try (Driver d = BtrfsTesting.open(fs.root().resolve("home"))) {
            BtrfsTesting.imageLayer(d, "l1", null, a);
            BtrfsTesting.imageLayer(d, "l2", "l1", b);
            Path l2 = d.get("l2");
            assertEquals("1", Files.readString(l2.resolve("one")));
            assertEquals("2", Files.readString(l2.resolve("two")));
            assertTrue(Btrfs.isReadOnly(l2));
            d.put("l2");
        }
    }

    @Test
    void probeRefusesOtherFilesystemsWithTheReason(@Scratch(type = FsType.EXT4, sizeMiB = 64) ScratchFilesystem fs)
            throws Exception {
        Probe p = new BtrfsDriverProvider().probe(fs.root().resolve("not/made/yet"));
        assertFalse(p.supported());
        assertEquals("home " + fs.root().resolve("not/made/yet") + " is ext4, btrfs driver needs btrfs", p.reason());
        DriverException e = assertThrows(DriverException.UnsupportedException.class,
                () -> BtrfsTesting.open(fs.root().resolve("home")));
        assertTrue(e.getMessage().contains("is ext4"), e.getMessage());
    }

    @Test
    void probeAcceptsBtrfsAndStatusSaysWhatItUses(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        Path home = fs.root().resolve("home");
        assertTrue(new BtrfsDriverProvider().probe(home).supported());
        try (Driver d = BtrfsTesting.open(home)) {
            d.create("x", null, null);
            var s = d.status();
            assertEquals("btrfs", s.driver());
            assertEquals("btrfs", s.backingFilesystem());
            assertEquals(1, s.layers());
            assertTrue(s.details().get("Quotas").startsWith("disabled"), s.details().toString());
        }
    }
}
