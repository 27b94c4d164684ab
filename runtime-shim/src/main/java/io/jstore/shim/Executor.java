package io.jstore.shim;

import io.jstore.driver.Probe;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Starts a bundle. The built-in executor is jstore's own C shim; {@link OciRuntime} hands
 * the same bundle to an installed OCI runtime (runc, crun), which also makes that runtime
 * an oracle for the built-in one in tests.
 */
public sealed interface Executor permits BuiltinExecutor, OciRuntime {

    String name();

    /** Whether this executor can run containers on this host, and if not, why. */
    Probe probe();

    /**
     * Starts the bundle's process and returns once it has exec'd (or failed to: a
     * {@link StartException} with docker's 125/126/127 code). With {@code detach} the
     * supervisor leaves the caller's session and outlives this JVM.
     */
    Container start(Bundle bundle, Stdio stdio, boolean detach) throws IOException;

    /**
     * Releases what a detached container of this bundle left once it has ended (cgroups,
     * runtime state, host mounts), from any process. Harmless when there is nothing.
     */
    void cleanup(Bundle bundle) throws IOException;

    /** {@code builtin} (or null), {@code runc}, {@code crun}, or a path to an OCI runtime binary. */
    static Executor named(String name) throws IOException {
        if (name == null || name.equals("builtin") || name.equals("jstore")) return new BuiltinExecutor();
        return OciRuntime.find(name.contains("/") ? Path.of(name) : null, name);
    }
}
