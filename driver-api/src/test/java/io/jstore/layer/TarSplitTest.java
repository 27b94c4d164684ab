package io.jstore.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.layer.testing.RootfsTrees;
import io.jstore.layer.testing.Tools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tar recorded while it is applied replays byte for byte from the applied tree, whoever wrote it. */
class TarSplitTest {
    @TempDir
    Path tmp;

    @Test
    void gnuTarsPosixFormatOfARootfsReplaysByteForByte() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        RootfsTrees.lower(src); // xattrs, capabilities, a 255-byte name, a sparse file, devices, hardlinks
        Path tar = tmp.resolve("posix.tar");
        Tools.run(Tools.tarCreate(src, tar).toArray(String[]::new));
        assertReplays(Files.readAllBytes(tar));
    }

    @Test
    void gnuFormatLongNamesAndLinksReplayByteForByte() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Path deep = Files.createDirectories(src.resolve("d".repeat(120) + "/" + "e".repeat(120)));
        Files.writeString(deep.resolve("f".repeat(200)), "long named\n");
        Files.createSymbolicLink(src.resolve("link"), deep.resolve("f".repeat(200)));
        Files.write(src.resolve("block"), new byte[TarReader.BLOCK * 3]);
        Files.writeString(src.resolve("odd"), "x".repeat(1000));
        Path tar = tmp.resolve("gnu.tar");
        Tools.run("tar", "--format=gnu", "-C", src.toString(), "-cf", tar.toString(), ".");
        assertReplays(Files.readAllBytes(tar));
    }

    @Test
    void jstoresOwnLayersWithWhiteoutsReplayByteForByte() throws IOException {
        byte[] tar = new TestTar().file("etc/a", "a\n").file("etc/.wh.gone", "").file("empty", "").file("bin/sh", "#!\n").build();
        assertReplays(tar);
    }

    @Test
    void aLayerChangedSinceItWasRecordedIsStaleNotSilentlyOther() throws IOException {
        byte[] tar = new TestTar().file("etc/a", "a\n").file("etc/b", "b\n").build();
        Path target = Files.createDirectory(tmp.resolve("target"));
        byte[] split = record(tar, target);
        Files.writeString(target.resolve("etc/a"), "longer\n");
        TarSplit.StaleException e = assertThrows(TarSplit.StaleException.class,
                () -> TarSplit.replay(split, target, new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("etc/a"), e.getMessage());
        Files.delete(target.resolve("etc/b"));
        Files.createSymbolicLink(target.resolve("etc/b"), Path.of("/etc/passwd"));
        Files.writeString(target.resolve("etc/a"), "a\n");
        e = assertThrows(TarSplit.StaleException.class, () -> TarSplit.replay(split, target, new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("etc/b"), e.getMessage());
    }

    private void assertReplays(byte[] tar) throws IOException {
        Path target = Files.createTempDirectory(tmp, "target");
        byte[] split = record(tar, target);
        assertNotNull(split, "the recorder followed the tar");
        assertTrue(split.length < tar.length, "file contents are not kept: " + split.length + " of " + tar.length + " bytes");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarSplit.replay(split, target, out);
        assertArrayEquals(tar, out.toByteArray());
    }

    private static byte[] record(byte[] tar, Path target) throws IOException {
        TarSplit.Recorder r = new TarSplit.Recorder(new ByteArrayInputStream(tar));
        Layers.apply(r, target, ApplyOptions.DEFAULT);
        r.transferTo(java.io.OutputStream.nullOutputStream());
        return r.split();
    }
}
