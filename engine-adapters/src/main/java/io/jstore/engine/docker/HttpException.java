package io.jstore.engine.docker;

import java.io.IOException;

/** The client sent something this server cannot parse; answered with {@link #status()} and the connection closed. */
final class HttpException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    HttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
