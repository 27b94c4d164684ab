package io.jstore.shim;

import java.io.IOException;

/** A started container. Closing kills what is still running and releases its cgroups and mounts. */
public interface Container extends AutoCloseable {

    /** The container's init as the host sees it. */
    long pid();

    /** The supervising process (the shim or the OCI runtime); its streams are the container's with {@link Stdio#PIPES}. */
    Process process();

    /** Sends {@code signal} to the container's init (PID 1 inside: it gets only signals it handles, as in Docker). */
    void signal(int signal) throws IOException;

    /** Waits for the container to end. */
    ExitStatus waitFor() throws IOException, InterruptedException;

    /** Leaves a detached container running: nothing is killed or released. */
    void detach() throws IOException;

    @Override
    void close() throws IOException;
}
