package io.jstore.driver.testing;

import io.jstore.linux.FileStat;
import io.jstore.linux.Inodes;
import io.jstore.linux.Xattrs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The change a layer deep in a chain makes to the tree below it ({@link
 * io.jstore.layer.testing.RootfsTrees} makes the first two): new, modified and deleted files,
 * a hardlink, a symlink, a fifo, a mode, an xattr, and a directory that turns into a file and
 * back, so every depth carries every kind of entry.
 */
final class ChainTrees {
    private ChainTrees() {}

    static void mutate(Path root, int layer) throws IOException {
        Path l = root.resolve("layers");
        if (!Files.isDirectory(l)) Files.createDirectory(l);
        Files.writeString(l.resolve(layer + ".txt"), "layer " + layer + "\n");
        Files.writeString(root.resolve("etc/passwd"), "u" + layer + ":x:" + layer + ":0::/:/bin/sh\n",
                StandardOpenOption.APPEND);
        Files.deleteIfExists(l.resolve((layer - 1) + ".tmp"));
        Files.writeString(l.resolve(layer + ".tmp"), "temporary " + layer);
        Inodes.chmod(root.resolve("bin/sh"), layer % 2 == 0 ? 0755 : 0750);
        Xattrs.set(root.resolve("etc"), "user.layer", Integer.toString(layer).getBytes(StandardCharsets.US_ASCII));
        Files.createSymbolicLink(l.resolve("link-" + layer), Path.of(layer + ".txt"));
        Files.createLink(l.resolve("hard-" + layer), l.resolve(layer + ".txt"));
        Path flip = l.resolve("flip");
        if (Files.isDirectory(flip)) {
            Files.delete(flip.resolve("inside"));
            Files.delete(flip);
            Files.writeString(flip, "a file at layer " + layer);
        } else {
            Files.deleteIfExists(flip);
            Files.createDirectory(flip);
            Files.writeString(flip.resolve("inside"), "a dir at layer " + layer);
        }
        if (layer % 4 == 0) Inodes.mknod(l.resolve("fifo-" + layer), FileStat.S_IFIFO, 0644, 0, 0);
    }
}
