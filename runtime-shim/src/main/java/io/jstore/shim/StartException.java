package io.jstore.shim;

import java.io.IOException;

/**
 * The container could not start. {@code exitCode} is what {@code docker run} exits with for
 * the same failure: 125 the runtime failed, 126 the command can not be run, 127 not found.
 */
public final class StartException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public StartException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
