package io.jstore.driver.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.CreateOptions;
import io.jstore.driver.DriverException;
import io.jstore.layer.Change;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AbstractDriverTest {
    @TempDir
    Path home;

    private DirDriver open() throws DriverException {
        return AbstractDriver.opened(new DirDriver(home));
    }

    @Test
    void idsAreCheckedIncludingTheDriversReservedNames() throws IOException {
        DirDriver d = open();
        for (String bad : List.of("../x", "a/b", ".hidden", "", "x".repeat(200), "reserved")) {
            assertThrows(DriverException.InvalidIdException.class, () -> d.create(bad, null, CreateOptions.DEFAULT), bad);
            assertFalse(d.exists(bad));
        }
        assertThrows(DriverException.InvalidIdException.class, () -> d.create("self", "self", CreateOptions.DEFAULT));
    }

    @Test
    void createTwiceAndMissingParentAreTyped() throws IOException {
        DirDriver d = open();
        d.create("a", null, CreateOptions.DEFAULT);
        assertThrows(DriverException.ExistsException.class, () -> d.create("a", null, CreateOptions.DEFAULT));
        assertThrows(DriverException.NotFoundException.class, () -> d.create("b", "nope", CreateOptions.DEFAULT));
        assertFalse(d.exists("b"));
        assertFalse(Files.exists(d.dir("b")));
        assertThrows(DriverException.NotFoundException.class, () -> d.get("nope"));
    }

    @Test
    void twoGetsMountOnceAndTheLastPutUnmounts() throws IOException {
        DirDriver d = open();
        d.create("a", null, CreateOptions.DEFAULT);
        assertEquals(d.dir("a"), d.get("a"));
        d.get("a");
        assertEquals(1, d.mountCalls.get());
        assertEquals("2", d.metadata("a").get("mountCount"));
        d.put("a");
        assertTrue(d.isMounted("a"));
        d.put("a");
        assertFalse(d.isMounted("a"));
        assertEquals(1, d.unmountCalls.get());
        assertThrows(DriverException.class, () -> d.put("a"));
    }

    @Test
    void aDetachedMountOutlivesRepairAndOnlyPutDetachedEndsIt() throws IOException {
        DirDriver d = open();
        d.create("a", null, CreateOptions.DEFAULT);
        d.create("b", null, CreateOptions.DEFAULT);
        assertEquals(d.dir("a"), d.getDetached("a"));
        assertThrows(DriverException.class, () -> d.put("a"), "the store's reference is not this process's");
        d.repair();
        assertTrue(d.isMounted("a"), "repair keeps a mount only the store holds");
        assertEquals("1", d.metadata("a").get("mountCount"));
        assertThrows(DriverException.LayerInUseException.class, () -> d.remove("a"));
        assertThrows(DriverException.class, () -> d.putDetached("b"));
        d.putDetached("a");
        assertFalse(d.isMounted("a"));
        assertEquals(java.util.Set.of("a", "b"), d.ids());
        d.remove("a");
        assertEquals(java.util.Set.of("b"), d.ids());
    }

    @Test
    void removeRefusesMountedLayersAndParents() throws IOException {
        DirDriver d = open();
        d.create("a", null, CreateOptions.DEFAULT);
        d.createReadWrite("b", "a", CreateOptions.DEFAULT);
        assertThrows(DriverException.LayerInUseException.class, () -> d.remove("a"));
        d.get("b");
        assertThrows(DriverException.LayerInUseException.class, () -> d.remove("b"));
        d.put("b");
        d.remove("b");
        assertFalse(d.exists("b"));
        d.remove("a");
        assertFalse(Files.exists(d.dir("a")));
        assertEquals(List.of(), d.records.ids());
        assertThrows(DriverException.NotFoundException.class, () -> d.remove("a"));
    }

    @Test
    void aDeadHoldersCountStopsCountingAndItsMountIsRepaired() throws IOException {
        DirDriver d = open();
        d.create("a", null, CreateOptions.DEFAULT);
        Files.createFile(d.marker("a"));
        // a holder whose pid is gone (or reused with another start time)
        ProcessIdentity self = ProcessIdentity.self();
        Files.writeString(home.resolve(".jstore/layers/a/mounts"), self.pid() + " " + (self.startTime() + 1) + " 3\n");
        assertEquals("0", d.metadata("a").get("mountCount"));
        RepairReport r = new DirDriver(home).repair();
        assertEquals(List.of("a"), r.unmounted());
        assertFalse(d.isMounted("a"));
        d.remove("a");
    }

    @Test
    void reopenRemovesHalfMadeLayers() throws IOException {
        DirDriver d = open();
        d.create("base", null, CreateOptions.DEFAULT);
        Files.writeString(d.dir("base").resolve("f"), "x");
        // a creator that died after its record and half its copy were written
        new LayerRecords(DriverHome.of("dir", home, java.util.Set.of())).begin("half", "base", false, false);
        d.records.addChild("base", "half");
        Files.createDirectories(d.dir("half").resolve("partial"));
        Files.createFile(d.marker("half"));
        assertFalse(d.exists("half"));
        RepairReport r = new DirDriver(home).repair();
        assertEquals(List.of("half"), r.removed());
        assertFalse(Files.exists(d.dir("half")));
        assertFalse(Files.exists(d.marker("half")));
        assertEquals(List.of(), d.records.children("base"));
        d.remove("base"); // no longer a parent
    }

    /**
     * An ephemeral layer's writes may never have reached the disk: the reopen after a restart
     * (another boot id in its record) removes it and what was made on it, children first, and
     * keeps it in the boot that made it (its caller removes it then).
     */
    @Test
    void reopenAfterARestartRemovesEphemeralLayersAndTheirChildren() throws IOException {
        DirDriver d = open();
        d.create("base", null, CreateOptions.DEFAULT);
        d.createReadWrite("e", "base", CreateOptions.EPHEMERAL);
        d.createReadWrite("on-e", "e", CreateOptions.EPHEMERAL);
        d.createReadWrite("durable", "base", CreateOptions.DEFAULT);
        assertEquals("true", d.metadata("e").get("ephemeral"));
        assertEquals("false", d.metadata("durable").get("ephemeral"));
        assertThrows(DriverException.class, () -> d.create("ro", "base", CreateOptions.EPHEMERAL),
                "an image layer was made ephemeral");
        DriverException notEphemeral = assertThrows(DriverException.class,
                () -> d.createReadWrite("x", "e", CreateOptions.DEFAULT));
        assertTrue(notEphemeral.getMessage().contains("must be too"), notEphemeral.getMessage());
        assertFalse(d.exists("ro") || d.exists("x"));
        assertTrue(new DirDriver(home).repair().clean(), "the boot that made them removed them");

        // "e" sorts before "on-e": the parent is seen first and must wait for its child
        for (String id : List.of("e", "on-e")) {
            Files.writeString(DriverHome.of("dir", home, java.util.Set.of()).record(id).resolve(LayerRecords.EPHEMERAL),
                    "00000000-0000-0000-0000-000000000000");
        }
        RepairReport r = new DirDriver(home).repair();
        assertEquals(List.of("on-e", "e"), r.removed());
        assertFalse(d.exists("e") || d.exists("on-e"));
        assertFalse(Files.exists(d.dir("e")) || Files.exists(d.dir("on-e")));
        assertTrue(d.exists("durable"));
        assertEquals(List.of("durable"), d.records.children("base"));
    }

    @Test
    void noSpaceIsTypedAndLeavesNoHalfLayer() throws IOException {
        DirDriver d = open();
        d.create("a", null, CreateOptions.DEFAULT);
        d.failCreateWithNoSpace = true;
        DriverException.NoSpaceException e = assertThrows(DriverException.NoSpaceException.class,
                () -> d.create("b", "a", CreateOptions.DEFAULT));
        assertEquals("b", e.layer());
        assertFalse(d.exists("b"));
        assertFalse(Files.exists(d.dir("b")));
        assertEquals(List.of(), d.records.children("a"));
        assertEquals(List.of("a"), d.records.ids());
    }

    @Test
    void aFailedApplyRemovesTheHalfAppliedLayer() throws IOException {
        DirDriver d = open();
        d.create("a", null, CreateOptions.DEFAULT);
        assertThrows(DriverException.class, () -> d.applyDiff("a", null, new ByteArrayInputStream("x".repeat(1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        assertFalse(d.exists("a"));
        assertFalse(Files.exists(d.dir("a")));
    }

    @Test
    void naiveDiffFamilyComparesWithTheRecordedParent() throws IOException {
        DirDriver d = open();
        d.create("a", null, CreateOptions.DEFAULT);
        Files.writeString(d.dir("a").resolve("keep"), "k");
        Files.writeString(d.dir("a").resolve("gone"), "g");
        d.createReadWrite("b", "a", CreateOptions.DEFAULT);
        Files.delete(d.dir("b").resolve("gone"));
        Files.writeString(d.dir("b").resolve("new"), "12345");
        List<Change> changes = d.changes("b", null);
        assertEquals(List.of("D /gone", "A /new"), changes.stream().map(Change::toString).toList());
        assertEquals(5, d.diffSize("b", null));
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        d.diff("b", null, tar);
        d.create("c", "a", CreateOptions.DEFAULT);
        assertEquals(tar.size(), d.applyDiff("c", null, new ByteArrayInputStream(tar.toByteArray())));
        assertEquals(List.of(), d.changes("c", "b"));
        assertEquals(0, d.mountCalls.get() - d.unmountCalls.get(), "every get of the diff family was put back");
    }
}
