package io.jstore.cli;

import java.io.IOException;

/** A call of {@link ClientLibrary}'s native code failed: the errno's name ({@code ECONNREFUSED}) beside its text. */
final class UnixSocketException extends IOException {
    private final String errno;

    /** Made by the native code. */
    UnixSocketException(String message, String errno) {
        super(message);
        this.errno = errno;
    }

    /** {@code ECONNREFUSED}, {@code ENOENT}, {@code EACCES}…, or {@code errno N} for one the native code has no name for. */
    String errno() {
        return errno;
    }
}
