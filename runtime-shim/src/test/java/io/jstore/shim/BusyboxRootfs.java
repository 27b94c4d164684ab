package io.jstore.shim;

import io.jstore.linux.testing.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A real root filesystem in a plain directory: Debian's static busybox with a link per applet,
 * and the /etc files a user lookup needs (scripts/setup.sh installs busybox-static).
 */
final class BusyboxRootfs {
    private BusyboxRootfs() {}

    private static List<String> applets;

    static Path busybox() {
        Root.assumeTool("busybox");
        return Root.tool("busybox").orElseThrow();
    }

    static synchronized List<String> applets() throws IOException, InterruptedException {
        if (applets == null) {
            Process p = new ProcessBuilder(busybox().toString(), "--list").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new IOException("busybox --list failed: " + out);
            applets = out.lines().filter(s -> !s.isBlank()).toList();
        }
        return applets;
    }

    /** Fills {@code root} (made if missing) with the busybox tree. */
    static Path create(Path root) throws IOException, InterruptedException {
        Path bin = root.resolve("bin");
        Files.createDirectories(bin);
        Files.copy(busybox(), bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String a : applets()) {
            if (!a.equals("busybox")) Files.createSymbolicLink(bin.resolve(a), Path.of("busybox"));
        }
        for (String d : List.of("etc", "tmp", "root", "home/app", "proc", "sys", "dev", "mnt")) Files.createDirectories(root.resolve(d));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\napp:x:1000:\nextra:x:2000:app\n");
        return root;
    }
}
