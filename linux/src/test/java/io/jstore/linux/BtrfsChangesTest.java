package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BtrfsChangesTest {

    /** Changed inodes as {@code path -> inode}, paths from the names the scan returned. */
    private static Map<String, Long> changedPaths(Path subvol, BtrfsChanges.Scan scan) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        for (BtrfsChanges.Inode i : scan.inodes()) {
            if (i.inode() == Btrfs.SUBVOLUME_ROOT_INODE) out.put("/", i.inode());
            for (BtrfsChanges.Name n : i.names()) {
                out.put("/" + Btrfs.directoryPath(subvol, 0, n.dirInode()) + n.name(), i.inode());
            }
        }
        return out;
    }

    @Test
    void findsExactlyTheInodesChangedSinceASnapshot(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        Path base = fs.root().resolve("base");
        Btrfs.createSubvolume(base);
        for (int d = 0; d < 20; d++) {
            Path dir = Files.createDirectories(base.resolve("d" + d));
            for (int f = 0; f < 100; f++) Files.writeString(dir.resolve("f" + f), "content " + d + "/" + f);
        }
        Btrfs.setReadOnly(base, true);
        Path child = fs.root().resolve("child");
        Btrfs.snapshot(base, child, false);
        long since = BtrfsSubvolumes.info(child).createdTransid();

        assertTrue(BtrfsChanges.since(child, since).inodes().isEmpty(), "nothing changed yet");

        Files.writeString(child.resolve("d3/f7"), "rewritten");
        Files.writeString(child.resolve("d5/new"), "new");
        Files.delete(child.resolve("d9/f1"));
        Files.setPosixFilePermissions(child.resolve("d12/f0"), Set.of());
        Files.createLink(child.resolve("d0/link"), child.resolve("d19/f99"));
        Files.move(child.resolve("d4/f4"), child.resolve("d6/moved"));

        BtrfsChanges.Scan scan = BtrfsChanges.since(child, since);
        Map<String, Long> got = changedPaths(child, scan);
        Set<String> expected = new TreeSet<>(Set.of("/d3/f7", "/d5", "/d5/new", "/d9", "/d12/f0",
                "/d0", "/d0/link", "/d19/f99", "/d4", "/d6", "/d6/moved"));
        assertEquals(expected, got.keySet());
        assertEquals(got.get("/d0/link"), got.get("/d19/f99"), "both names of the linked inode");
        assertEquals(FileStat.of(child.resolve("d3/f7")).ino(), got.get("/d3/f7"));
        assertTrue(scan.inodes().stream().filter(BtrfsChanges.Inode::isDirectory).map(BtrfsChanges.Inode::inode)
                .collect(Collectors.toSet()).contains(got.get("/d9")));
        // the search read the tree blocks the changes touched, not the whole tree
        long[] all = {0};
        BtrfsTree.search(child, BtrfsTree.OWN_SUBVOLUME, BtrfsTree.Key.FIRST, BtrfsTree.Key.LAST, 0, i -> ++all[0] > 0);
        assertTrue(scan.itemsRead() * 2 < all[0], "items read: " + scan.itemsRead() + " of " + all[0]);

        Btrfs.snapshot(child, fs.root().resolve("grandchild"), true);
        long later = BtrfsSubvolumes.info(fs.root().resolve("grandchild")).createdTransid();
        assertTrue(later > since);
        assertTrue(BtrfsChanges.since(fs.root().resolve("grandchild"), later).inodes().isEmpty());
    }

    @Test
    void readsAreNoChangesAgainstTheSource(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        Path base = fs.root().resolve("base");
        Btrfs.createSubvolume(base);
        Files.createDirectory(base.resolve("d"));
        for (int f = 0; f < 50; f++) Files.writeString(base.resolve("d/f" + f), "x" + f);
        Btrfs.setReadOnly(base, true);
        Path child = fs.root().resolve("child");
        Btrfs.snapshot(base, child, false);
        long since = BtrfsSubvolumes.info(child).createdTransid();
        // relatime: the first read after a write stamps the atime, which rewrites the inode item
        for (int f = 0; f < 50; f++) Files.readString(child.resolve("d/f" + f));
        Files.writeString(child.resolve("d/f7"), "written");

        assertTrue(BtrfsChanges.since(child, since).inodes().size() > 1, "the reads rewrote inode items");
        BtrfsChanges.Scan scan = BtrfsChanges.since(child, since, Btrfs.subvolumeId(base));
        assertEquals(Set.of("/d/f7"), changedPaths(child, scan).keySet());
    }

    @Test
    void rootDirectoryChangeIsReported(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        Path base = fs.root().resolve("base");
        Btrfs.createSubvolume(base);
        Btrfs.snapshot(base, fs.root().resolve("child"), false);
        Path child = fs.root().resolve("child");
        long since = BtrfsSubvolumes.info(child).createdTransid();
        Files.writeString(child.resolve("top"), "x");
        assertEquals(Set.of("/", "/top"), changedPaths(child, BtrfsChanges.since(child, since)).keySet());
    }

    @Test
    void onlyChangesToTheSubvolumeItselfNeedACommit(@Scratch(type = FsType.BTRFS) ScratchFilesystem fs) throws Exception {
        Path base = fs.root().resolve("base");
        Btrfs.createSubvolume(base);
        Btrfs.setReadOnly(base, true);
        Path child = fs.root().resolve("child");
        Btrfs.snapshot(base, child, false);
        long since = BtrfsSubvolumes.info(child).createdTransid();
        assertTrue(Btrfs.changesCommitted(child), "a fresh snapshot is committed");

        Files.writeString(child.resolve("f"), "x");
        assertFalse(Btrfs.changesCommitted(child), "the write is still in the running transaction");
        BtrfsChanges.Scan first = BtrfsChanges.since(child, since);
        assertTrue(first.committed());
        assertEquals(Set.of("/", "/f"), changedPaths(child, first).keySet());
        assertTrue(Btrfs.changesCommitted(child));

        // the store's own files live beside the subvolumes, in the top level
        Files.writeString(fs.root().resolve("bookkeeping"), "1");
        assertTrue(Btrfs.changesCommitted(child), "a write elsewhere leaves the subvolume committed");
        BtrfsChanges.Scan again = BtrfsChanges.since(child, since);
        assertFalse(again.committed());
        assertEquals(Set.of("/", "/f"), changedPaths(child, again).keySet());

        Files.setPosixFilePermissions(child.resolve("f"), Set.of());
        assertFalse(Btrfs.changesCommitted(child), "a chmod is a change too");
        assertTrue(BtrfsChanges.since(child, since).committed());
    }
}
