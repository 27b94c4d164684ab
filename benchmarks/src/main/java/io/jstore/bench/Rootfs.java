package io.jstore.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The real root filesystem the suites measure on: the tar of a debootstrap'd Debian bookworm
 * minbase that {@code scripts/rootfs.sh} makes once and caches. The script is found beside the
 * build this class was loaded from (the checkout's {@code scripts/}), or named by the system
 * property {@value #SCRIPT}. Where it cannot give the tar, the benchmark is a recorded skip.
 */
public final class Rootfs {
    public static final String SCRIPT = "jstore.rootfs.script";
    private static volatile Path tar;

    private Rootfs() {}

    /** The rootfs tar, made on first use (minutes, once per machine); or a recorded skip of {@code bp}. */
    public static Path tar(BenchmarkParams bp) {
        Path t = tar;
        if (t != null) return t;
        try {
            Path script = script().orElseThrow(() -> new IOException(
                    "scripts/rootfs.sh not found above " + codeSource() + " (set -D" + SCRIPT + ")"));
            // the script prints progress on stderr and the path as its last line on stdout
            Tools.Result r = Tools.run(List.of("bash", script.toString()), 900);
            String last = r.output().strip().lines().reduce((a, b) -> b).orElse("");
            if (r.exit() != 0) throw new IOException(script + " exited " + r.exit() + ": " + last);
            t = Path.of(last);
            if (!Files.isRegularFile(t)) throw new IOException(script + " printed no tar: " + last);
            tar = t;
            return t;
        } catch (IOException e) {
            throw Skips.skip(bp, "no Debian rootfs: " + e.getMessage());
        }
    }

    private static java.util.Optional<Path> script() {
        String named = System.getProperty(SCRIPT);
        if (named != null) return java.util.Optional.of(Path.of(named));
        for (Path d = codeSource(); d != null; d = d.getParent()) {
            Path s = d.resolve("scripts/rootfs.sh");
            if (Files.isRegularFile(s)) return java.util.Optional.of(s);
        }
        return java.util.Optional.empty();
    }

    private static Path codeSource() {
        try {
            return Path.of(Rootfs.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | SecurityException e) {
            return Path.of("").toAbsolutePath();
        }
    }
}
