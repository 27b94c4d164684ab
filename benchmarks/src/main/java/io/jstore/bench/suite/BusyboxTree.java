package io.jstore.bench.suite;

import io.jstore.linux.testing.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The smallest real root filesystem: Debian's static busybox, with {@code /bin/true} and {@code /bin/sh}. */
final class BusyboxTree {
    private BusyboxTree() {}

    /** Fills {@code root}; empty when busybox is missing (scripts/setup.sh installs busybox-static). */
    static boolean create(Path root) throws IOException {
        var busybox = Root.tool("busybox");
        if (busybox.isEmpty()) return false;
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(busybox.get(), bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String applet : List.of("true", "sh")) Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        for (String d : List.of("etc", "tmp", "root", "proc", "sys", "dev")) Files.createDirectories(root.resolve(d));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\n");
        return true;
    }
}
