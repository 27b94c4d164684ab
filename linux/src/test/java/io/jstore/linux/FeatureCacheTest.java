package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FeatureCacheTest {
    private static final Filesystems.Features XFS = new Filesystems.Features("xfs", Filesystems.XFS_MAGIC, true, true, true);

    /** The remembered answer is served while its key holds: told apart from a probe by a planted lie. */
    @Test
    void servesTheRememberedAnswerUntilTheKeyChanges(@Scratch(type = FsType.XFS, sizeMiB = 300) ScratchFilesystem fs)
            throws Exception {
        Path cache = Files.createDirectories(fs.root().resolve(".jstore")).resolve("features");
        assertEquals(XFS, Filesystems.probe(fs.root(), cache));
        String[] lines = Files.readString(cache).split("\n");
        assertTrue(lines[0].contains(" boot=") && lines[0].contains(" dev="), lines[0]);
        assertEquals("xfs true true true", lines[1]);

        Files.writeString(cache, lines[0] + "\nxfs true false true\n");
        assertFalse(Filesystems.probe(fs.root(), cache).reflink(), "read from the file, not probed");

        // another boot: probed again and rewritten
        Files.writeString(cache, lines[0].replaceFirst(" boot=[^ ]+", " boot=0000") + "\nxfs true false true\n");
        assertEquals(XFS, Filesystems.probe(fs.root(), cache));
        assertEquals(lines[0] + "\nxfs true true true\n", Files.readString(cache));

        // another device (the directory copied elsewhere)
        Files.writeString(cache, lines[0].replaceFirst(" dev=[0-9]+", " dev=1") + "\nxfs true false true\n");
        assertEquals(XFS, Filesystems.probe(fs.root(), cache));

        Files.writeString(cache, lines[0] + "\nxfs maybe\n");
        assertEquals(XFS, Filesystems.probe(fs.root(), cache), "a garbled file is probed over");
        assertEquals(lines[0] + "\nxfs true true true\n", Files.readString(cache));
    }

    @Test
    void writesNothingWhereTheCallerMadeNoDirectory(@Scratch(type = FsType.TMPFS, sizeMiB = 16) ScratchFilesystem fs)
            throws Exception {
        Path cache = fs.root().resolve(".jstore").resolve("features");
        assertEquals(Filesystems.probe(fs.root()), Filesystems.probe(fs.root(), cache));
        assertFalse(Files.exists(cache.getParent()));
        try (var s = Files.list(fs.root())) {
            assertEquals(0, s.count(), "no probe files left");
        }
    }
}
