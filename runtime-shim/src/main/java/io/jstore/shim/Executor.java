package io.jstore.shim;

import io.jstore.driver.Probe;
import io.jstore.driver.support.ProcessIdentity;
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
    default Container start(Bundle bundle, Stdio stdio, boolean detach) throws IOException {
        return start(bundle, stdio, detach, supervisor -> { });
    }

    /**
     * {@link #start(Bundle, Stdio, boolean)}, telling {@code handover} which process supervises
     * the container (null if it is already gone) as soon as it is known: the built-in executor
     * before the container's command runs (while the shim starts), an OCI runtime once the
     * container's init exists. A failure of {@code handover} aborts the start.
     */
    Container start(Bundle bundle, Stdio stdio, boolean detach, Handover handover) throws IOException;

    /** Who keeps a starting container running, for whoever must record it before it runs. */
    @FunctionalInterface
    interface Handover {
        void supervisedBy(ProcessIdentity supervisor) throws IOException;
    }

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
