package io.jstore.layer.testing;

import io.jstore.linux.testing.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the other tools tests compare jstore with (GNU tar, umoci); a test skips where one is missing. */
public final class Tools {
    private Tools() {}

    /** Runs {@code cmd} (skipping the test if its program is not installed); its output, or an AssertionError with it. */
    public static String run(String... cmd) throws IOException {
        return run(null, cmd);
    }

    /** Like {@link #run(String...)} with {@code stdin} (null for none) fed to the process. */
    public static String run(Path stdin, String... cmd) throws IOException {
        Root.assumeTool(cmd[0]);
        ProcessBuilder pb = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true);
        if (stdin != null) pb.redirectInput(stdin.toFile());
        else pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            int rc = p.waitFor();
            if (rc != 0) throw new AssertionError(String.join(" ", cmd) + " exited " + rc + ":\n" + out);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + cmd[0], e);
        }
        return out;
    }

    /** {@code tar} with the options that keep what a rootfs holds: PAX, xattrs of every namespace, numeric owners. */
    public static List<String> tarCreate(Path dir, Path archive) {
        List<String> cmd = new ArrayList<>(List.of("tar", "--format=posix", "--xattrs", "--xattrs-include=*",
                "--numeric-owner", "--sparse", "-C", dir.toString(), "-cf", archive.toString(), "."));
        return cmd;
    }
}
