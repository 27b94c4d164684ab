package io.jstore.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** External tools the suites time, and the versions that label their bars. */
public final class Tools {
    private static final Map<String, String> VERSIONS = new ConcurrentHashMap<>();

    private Tools() {}

    /** The first line a tool prints for its version, "kernel" for the running kernel, or "tool (not installed)". */
    public static String version(String tool) {
        return VERSIONS.computeIfAbsent(tool, Tools::probeVersion);
    }

    private static String probeVersion(String tool) {
        if (tool.equals("kernel")) return "Linux " + System.getProperty("os.version");
        if (tool.equals("jstore")) return "jstore " + jstoreVersion();
        List<String> cmd = List.of(tool, "--version");
        try {
            Result r = run(cmd, 10);
            String first = r.output().lines().findFirst().orElse("").strip();
            return r.exit() == 0 && !first.isEmpty() ? first : tool + " (no version: exit " + r.exit() + ")";
        } catch (IOException e) {
            return tool + " (not installed)";
        }
    }

    static String jstoreVersion() {
        var p = new java.util.Properties();
        try (var in = Tools.class.getResourceAsStream("version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    /** A finished command: exit code and everything it printed (stdout and stderr together). */
    public record Result(int exit, String output) {
        public Result requireSuccess(List<String> cmd) throws IOException {
            if (exit != 0) throw new IOException(String.join(" ", cmd) + " exited " + exit + ": " + output.strip());
            return this;
        }
    }

    /** Runs a command to its end, at most {@code timeoutSeconds}. */
    public static Result run(List<String> cmd, long timeoutSeconds) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out after " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + ": interrupted", e);
        }
        return new Result(p.exitValue(), out);
    }

    /** Runs a command that must succeed (a reference's measured operation). */
    public static void check(List<String> cmd) throws IOException {
        run(cmd, 600).requireSuccess(cmd);
    }
}
