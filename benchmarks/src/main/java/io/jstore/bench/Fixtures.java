package io.jstore.bench;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.util.Locale;
import org.opentest4j.TestAbortedException;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Scratch filesystems for the suites: the tests' loop-mounted fixtures, named by a suite's
 * {@code fs} parameter. The root disk here is a slow ext4 shared by everyone; only figures
 * taken on one fixture are ever compared.
 */
public final class Fixtures {
    private Fixtures() {}

    public static FsType type(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "xfs" -> FsType.XFS;
            case "ext4" -> FsType.EXT4;
            case "btrfs" -> FsType.BTRFS;
            case "tmpfs" -> FsType.TMPFS;
            default -> throw new IllegalArgumentException("no fixture filesystem '" + name + "' (xfs, ext4, btrfs, tmpfs)");
        };
    }

    /** Makes the fixture, or records why this benchmark cannot have it and throws. */
    public static ScratchFilesystem make(BenchmarkParams bp, String fs, long sizeBytes) throws IOException {
        try {
            return ScratchFilesystem.create(type(fs), sizeBytes);
        } catch (TestAbortedException e) {
            throw Skips.skip(bp, "no " + fs + " fixture: " + e.getMessage());
        }
    }

    /** Closes a fixture (unmounting what a suite left below it); null is nothing to close. */
    public static void close(ScratchFilesystem fs) throws IOException {
        if (fs != null) fs.close();
    }
}
