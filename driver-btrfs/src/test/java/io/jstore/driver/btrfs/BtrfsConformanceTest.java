package io.jstore.driver.btrfs;

import io.jstore.driver.Driver;
import io.jstore.driver.testing.DriverConformance;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The conformance suite for btrfs on btrfs: layers are subvolumes, children snapshots, diffs from generations. */
class BtrfsConformanceTest extends DriverConformance {
    BtrfsConformanceTest(@Scratch(type = FsType.BTRFS, sizeMiB = 1024) ScratchFilesystem fs) {
        super(new BtrfsDriverProvider(), fs);
    }

    /**
     * The suite's teardown deletes the home file by file: read-only subvolumes refuse that
     * (EROFS), so whatever layers a check left are destroyed first, nested subvolumes included.
     */
    @Override
    protected void tearDownDriver(Driver driver, Path home) throws IOException {
        Path subvolumes = home.resolve("btrfs/subvolumes");
        if (!Files.isDirectory(subvolumes)) return;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(subvolumes)) {
            for (Path p : ds) SubvolumeRemoval.remove(p);
        }
    }
}
