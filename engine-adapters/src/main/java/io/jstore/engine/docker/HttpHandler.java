package io.jstore.engine.docker;

import java.io.IOException;
import java.io.InputStream;

/** Answers one request. {@code body} is the request's body (empty when it has none); what is left unread is drained. */
@FunctionalInterface
interface HttpHandler {
    HttpResponse handle(HttpRequest request, InputStream body) throws IOException;
}
