package io.jstore.cli;

import io.jstore.graph.Graph;
import io.jstore.shim.Container;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;

/**
 * Whom {@code jstore run} works for: this process ({@link #SELF}: its own stdio, environment and
 * signals, and a store it opens itself) or a client of {@code jstore serve} ({@link CliServer}).
 * The command is the same code either way; only these differ.
 */
interface RunCaller {
    /** The container's stdin when it is kept (-i, -t), stdout and stderr: the caller's. */
    Redirect stdin();

    Redirect stdout();

    Redirect stderr();

    /** The caller's environment variable, for {@code -e NAME}; null when unset. */
    String env(String name);

    /** The store already open for this caller, or null: the command opens it with its options. */
    Graph graph();

    /** Passes the signals the caller receives on to {@code c} until it ends. */
    void forwardSignals(Container c, boolean terminalSignalsToo);

    RunCaller SELF = new RunCaller() {
        @Override
        public Redirect stdin() {
            return Redirect.INHERIT;
        }

        @Override
        public Redirect stdout() {
            return Redirect.INHERIT;
        }

        @Override
        public Redirect stderr() {
            return Redirect.INHERIT;
        }

        @Override
        public String env(String name) {
            return System.getenv(name);
        }

        @Override
        public Graph graph() {
            return null;
        }

        @Override
        public void forwardSignals(Container c, boolean terminalSignalsToo) {
            SignalForwarding.forward(terminalSignalsToo ? SignalForwarding.WITH_TERMINAL : SignalForwarding.WITHOUT_TERMINAL, n -> {
                try {
                    c.signal(n);
                } catch (IOException e) {
                    // the container is gone: nothing to forward to
                }
            });
        }
    };
}
