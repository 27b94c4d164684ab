package io.jstore.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.layer.testing.RootfsTrees;
import io.jstore.layer.testing.Tools;
import io.jstore.layer.testing.TreeSnapshot;
import io.jstore.linux.FileStat;
import io.jstore.linux.Inodes;
import io.jstore.linux.SyscallException;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Applying tars other tools make, the way they usually make them. */
class LayerApplierTest {
    @TempDir
    Path tmp;

    @Test
    void tarOfADirectoryAppliesWithItsRootEntryOnTheTargetRoot() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Files.createDirectories(src.resolve("etc/sub"));
        Files.writeString(src.resolve("etc/sub/f"), "data");
        Files.createSymbolicLink(src.resolve("link"), Path.of("etc/sub/f"));
        Files.createLink(src.resolve("hard"), src.resolve("etc/sub/f"));
        Inodes.chmod(src, 0750);
        Inodes.setTimes(src, RootfsTrees.T0, RootfsTrees.T0 - 5_000_000_000L);
        Path tar = tmp.resolve("x.tar");
        // the way everyone makes one: first entry "./", every name starting with "./"
        Tools.run("tar", "-C", src.toString(), "-cf", tar.toString(), ".");
        Path target = Files.createDirectory(tmp.resolve("target"));
        apply(tar, target);
        assertEquals("data", Files.readString(target.resolve("hard")));
        assertEquals(Path.of("etc/sub/f"), Files.readSymbolicLink(target.resolve("link")));
        FileStat root = FileStat.of(target);
        assertEquals(0750, root.permissions());
        assertEquals((RootfsTrees.T0 - 5_000_000_000L) / 1_000_000_000L, root.mtimeNanos() / 1_000_000_000L);
        assertEquals(FileStat.of(target.resolve("hard")).ino(), FileStat.of(target.resolve("etc/sub/f")).ino());
    }

    @Test
    void posixTarOfARootfsAppliesToAnIdenticalTree() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        RootfsTrees.lower(src);
        Path tar = tmp.resolve("x.tar");
        Tools.run(Tools.tarCreate(src, tar).toArray(String[]::new));
        Path target = Files.createDirectory(tmp.resolve("target"));
        apply(tar, target);
        TreeSnapshot.of(src).assertSame(target);
    }

    @Test
    void dotSlashNamesWhiteoutInTheRoot() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("target"));
        Files.writeString(target.resolve("gone"), "x");
        Path src = Files.createDirectory(tmp.resolve("src"));
        Files.createFile(src.resolve(".wh.gone"));
        Path tar = tmp.resolve("x.tar");
        Tools.run("tar", "-C", src.toString(), "-cf", tar.toString(), ".");
        apply(tar, target);
        assertFalse(Files.exists(target.resolve("gone")));
        assertFalse(Files.exists(target.resolve(".wh.gone")));
    }

    @Test
    void aFullFilesystemIsATypedNoSpaceErrorNamingTheEntry(@Scratch(type = FsType.TMPFS, sizeMiB = 4) ScratchFilesystem fs) {
        byte[] data = new byte[8 << 20];
        new java.util.Random(1).nextBytes(data); // zeros would become holes and fit
        byte[] tar = new TestTar().file("small", "ok").entry("var/big", TarEntry.REGULAR, "", data, 0644).build();
        SyscallException.NoSpaceException e = assertThrows(SyscallException.NoSpaceException.class,
                () -> Layers.apply(new java.io.ByteArrayInputStream(tar), fs.root(), ApplyOptions.DEFAULT));
        assertTrue(e.getMessage().contains("'var/big'"), e.getMessage());
        assertTrue(e.getMessage().contains(fs.root().toString()), e.getMessage());
    }

    /**
     * File data is written from the reader's 1 MiB buffer in place: the file below starts at a
     * stream offset that is not 4 KiB-aligned, so buffer edges fall inside its 4 KiB blocks; its
     * zero run spans an edge and must come back as holes, the bytes around it exact.
     */
    @Test
    void dataAcrossReadBufferEdgesIsExactAndZeroBlocksBecomeHoles(@Scratch(type = FsType.XFS) ScratchFilesystem fs)
            throws IOException {
        byte[] data = new byte[(3 << 20) + 123];
        new java.util.Random(2).nextBytes(data);
        java.util.Arrays.fill(data, (1 << 20) - 10_000, (2 << 20) + 10_000, (byte) 0);
        byte[] tar = new TestTar().file("a", "x".repeat(600)).entry("f", TarEntry.REGULAR, "", data, 0644).build();
        Layers.apply(new java.io.ByteArrayInputStream(tar), fs.root(), ApplyOptions.DEFAULT.withoutDigest());
        Path f = fs.root().resolve("f");
        assertTrue(java.util.Arrays.equals(data, Files.readAllBytes(f)), "content differs");
        long allocated = FileStat.of(f).blocks() * 512;
        assertTrue(allocated <= data.length - (1 << 20), "zero blocks written: " + allocated + " bytes allocated");
    }

    @Test
    void aDirectoryTheLayerOnlyWritesIntoKeepsItsTimes() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("target"));
        Path bin = Files.createDirectory(target.resolve("bin"));
        Files.writeString(bin.resolve("old"), "old");
        Files.writeString(bin.resolve("sh"), "old sh");
        Inodes.setTimes(bin, RootfsTrees.T0, RootfsTrees.T0);
        byte[] tar = new TestTar().file("bin/sh", "new sh").file("bin/.wh.old", "").file("bin/new", "n").build();
        Layers.apply(new java.io.ByteArrayInputStream(tar), target, ApplyOptions.DEFAULT);
        assertEquals(RootfsTrees.T0, FileStat.of(bin).mtimeNanos());
        assertEquals("new sh", Files.readString(bin.resolve("sh")));
        assertFalse(Files.exists(bin.resolve("old")));
    }

    static ApplyResult apply(Path tar, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(tar)) {
            return Layers.apply(in, target, ApplyOptions.DEFAULT);
        }
    }
}
