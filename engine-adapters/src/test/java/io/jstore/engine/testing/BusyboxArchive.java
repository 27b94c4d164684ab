package io.jstore.engine.testing;

import io.jstore.graph.testing.ImageFixtures;
import io.jstore.linux.testing.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** A one-layer busybox image as {@code docker save} writes it, from Debian's static busybox (scripts/setup.sh). */
public final class BusyboxArchive {
    private BusyboxArchive() {}

    public static Path create(Path work, String name) throws IOException, InterruptedException {
        Path rootfs = rootfs(work);
        Path layer = ImageFixtures.tar(rootfs, work.resolve("layer.tar"));
        Path dir = ImageFixtures.dockerArchive(work.resolve("archive"), name, List.of(Files.readAllBytes(layer)));
        return ImageFixtures.tar(dir, work.resolve("image.tar"));
    }

    /** The image's root filesystem as a tree, {@code work/rootfs}: busybox, its applets as symlinks, /etc/passwd and group. */
    public static Path rootfs(Path work) throws IOException, InterruptedException {
        Root.assumeTool("busybox");
        Path busybox = Root.tool("busybox").orElseThrow();
        Path rootfs = work.resolve("rootfs");
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(busybox, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Process p = new ProcessBuilder(busybox.toString(), "--list").redirectErrorStream(true).start();
        List<String> applets = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(s -> !s.isBlank() && !s.equals("busybox")).toList();
        if (p.waitFor() != 0) throw new IOException("busybox --list failed");
        for (String a : applets) Files.createSymbolicLink(bin.resolve(a), Path.of("busybox"));
        for (String d : List.of("etc", "tmp", "root", "proc", "sys", "dev")) Files.createDirectories(rootfs.resolve(d));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\n");
        return rootfs;
    }
}
