package io.jstore.linux.testing;

import io.jstore.linux.MountInfo;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Kept in the root context's store, so JUnit closes it once after the last test of the run:
 * fails the run if any scratch directory of this JVM, a mount below one, or a loop device
 * bound to a file in one is left.
 */
final class LeftoverCheck implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() throws IOException {
        List<String> left = leftovers();
        if (left.isEmpty()) return;
        IOException failure = new IOException("scratch filesystems left after the tests: " + left);
        // reported as a failure, and still removed: the machine is shared
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(ScratchFilesystem.BASE, mine() + "*")) {
            for (Path dir : ds) {
                try {
                    Teardown.remove(dir, null);
                } catch (IOException e) {
                    failure.addSuppressed(e);
                }
            }
        }
        throw failure;
    }

    private static String mine() {
        return ProcessHandle.current().pid() + "-";
    }

    static List<String> leftovers() throws IOException {
        List<String> left = new ArrayList<>();
        if (!Files.isDirectory(ScratchFilesystem.BASE)) return left;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(ScratchFilesystem.BASE, mine() + "*")) {
            for (Path dir : ds) {
                left.add(dir.toString());
                MountInfo.under(dir).forEach(m -> left.add("mount " + m.mountPoint()));
                Teardown.loopsUnder(dir).forEach((n, f) -> left.add("/dev/loop" + n + " -> " + f));
            }
        }
        return left;
    }
}
