package io.jstore.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.layer.testing.RootfsTrees;
import io.jstore.layer.testing.TreeSnapshot;
import io.jstore.linux.FileClone;
import io.jstore.linux.Fd;
import io.jstore.linux.FileStat;
import io.jstore.linux.Inodes;
import io.jstore.linux.Xattrs;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeCopyTest {
    @TempDir
    Path tmp;

    @Test
    void copyKeepsEverythingOfTheLowerTree() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        RootfsTrees.lower(src);
        TreeCopy.Result r = TreeCopy.copy(src, tmp.resolve("dst"));
        TreeSnapshot.of(src).assertSame(tmp.resolve("dst"));
        assertTrue(r.entries() > 40, "entries " + r.entries());
        assertTrue(r.bytes() >= 16 << 20, "bytes " + r.bytes());
    }

    @Test
    void copyKeepsEverythingOfTheChangedTreeIncludingWhiteoutsAndSockets() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        RootfsTrees.lower(src);
        RootfsTrees.change(src);
        Inodes.whiteout(src.resolve("etc/.removed"));
        Xattrs.set(src.resolve("srv"), "trusted.overlay.opaque", new byte[] {'y'});
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(src.resolve("tmp/sock")));
        }
        Path dst = Files.createDirectory(tmp.resolve("dst")); // an existing empty dir is fine
        TreeCopy.copy(src, dst);
        TreeSnapshot.of(src).assertSame(dst);
        assertTrue(FileStat.of(dst.resolve("etc/.removed")).isWhiteout());
        assertTrue(FileStat.of(dst.resolve("tmp/sock")).isSocket());
    }

    @Test
    void sparseFilesStaySparse() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        RootfsTrees.lower(src);
        Path dst = tmp.resolve("dst");
        TreeCopy.copy(src, dst);
        FileStat st = FileStat.of(dst.resolve("var/lib.img"));
        assertEquals(16 << 20, st.size());
        assertTrue(st.blocks() * 512 < 1 << 20, "blocks " + st.blocks());
        try (Fd fd = Fd.open(dst.resolve("var/lib.img"), Fd.O_RDONLY)) {
            assertEquals(2, FileClone.dataSegments(fd, st.size()).size());
        }
    }

    @Test
    void refusesANonEmptyDestination() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Path dst = Files.createDirectory(tmp.resolve("dst"));
        Files.writeString(dst.resolve("keep"), "mine");
        assertThrows(DirectoryNotEmptyException.class, () -> TreeCopy.copy(src, dst));
        assertEquals("mine", Files.readString(dst.resolve("keep")));
    }
}
