package io.jstore.engine.docker;

import java.io.IOException;
import java.io.OutputStream;

/** What a handler answers: a whole body (sent with Content-Length) or a stream (sent chunked). */
sealed interface HttpResponse {

    int status();

    record Whole(int status, String contentType, byte[] body) implements HttpResponse {}

    /** A body written as it is made; a failure inside {@link Body#write} cuts the response short. */
    record Streamed(int status, String contentType, Body body) implements HttpResponse {}

    @FunctionalInterface
    interface Body {
        void write(OutputStream out) throws IOException;
    }
}
