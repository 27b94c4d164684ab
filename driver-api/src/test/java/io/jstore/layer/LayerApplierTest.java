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

    /** OCI: an opaque marker hides the lower layers' entries of the dir; this layer's own, before or after it, stay. */
    @Test
    void anOpaqueMarkerEmptiesTheLowerContentButKeepsThisLayers() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("target"));
        Files.createDirectories(target.resolve("d/sub"));
        Files.writeString(target.resolve("d/old"), "lower");
        Files.writeString(target.resolve("d/sub/old2"), "lower");
        Files.writeString(target.resolve("d/replaced"), "lower");
        Files.writeString(target.resolve("keep"), "beside d");
        byte[] tar = new TestTar().dir("d/").file("d/before", "b").file("d/replaced", "new").file("d/.wh..wh..opq", "")
                .file("d/after", "a").build();
        Layers.apply(new java.io.ByteArrayInputStream(tar), target, ApplyOptions.DEFAULT);
        try (var names = Files.list(target.resolve("d"))) {
            assertEquals(java.util.Set.of("before", "replaced", "after"),
                    names.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
        assertEquals("new", Files.readString(target.resolve("d/replaced")));
        assertEquals("beside d", Files.readString(target.resolve("keep")));
    }

    /**
     * A 5 GiB entry (zeros, so it lands as holes) streams through the applier's fixed buffers:
     * what the thread allocates does not grow with the data, so no heap size limits a layer.
     */
    @Test
    void aMultiGigabyteEntryAllocatesNoMoreThanASmallOne() throws IOException {
        long size = 5L << 30;
        Path target = Files.createDirectory(tmp.resolve("target"));
        long small = allocatedApplying(1 << 20, target);
        long big = allocatedApplying(size, target);
        assertEquals(size, Files.size(target.resolve("big")));
        assertTrue(big < small + (16 << 20), "5 GiB allocated " + big + " bytes, 1 MiB " + small);
    }

    private static long allocatedApplying(long size, Path target) throws IOException {
        byte[] header = new TestTar().entry(new TarEntry("big", TarEntry.REGULAR, 0644, 0, 0, size, 0, -1, "", 0, 0,
                java.util.Map.of()), new byte[0]).unfinished();
        long padded = (size + 511) / 512 * 512 + 1024; // data, padding, end marker: all zeros
        InputStream in = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(header), new InputStream() {
            long left = padded;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) return -1;
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                left -= n;
                return n;
            }
        });
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        Layers.apply(in, target, ApplyOptions.DEFAULT.withoutDigest());
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    static ApplyResult apply(Path tar, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(tar)) {
            return Layers.apply(in, target, ApplyOptions.DEFAULT);
        }
    }
}
