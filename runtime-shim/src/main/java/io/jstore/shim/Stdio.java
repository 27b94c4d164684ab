package io.jstore.shim;

import java.io.File;
import java.lang.ProcessBuilder.Redirect;

/** Where the container's stdin, stdout and stderr go; the container holds them directly, nothing copies. */
public record Stdio(Redirect in, Redirect out, Redirect err) {
    /** The caller's own terminal or pipes, as {@code jstore run} in the foreground uses. */
    public static final Stdio INHERIT = new Stdio(Redirect.INHERIT, Redirect.INHERIT, Redirect.INHERIT);

    /** Pipes to read from {@link Container#process()}, stdin from /dev/null; for tests and embedders. */
    public static final Stdio PIPES = new Stdio(Redirect.from(new File("/dev/null")), Redirect.PIPE, Redirect.PIPE);

    /** stdin from /dev/null, stdout and stderr appended to one log file: detached containers. */
    public static Stdio log(File file) {
        return new Stdio(Redirect.from(new File("/dev/null")), Redirect.appendTo(file), Redirect.appendTo(file));
    }

    ProcessBuilder applyTo(ProcessBuilder pb) {
        return pb.redirectInput(in).redirectOutput(out).redirectError(err);
    }
}
