package io.jstore.cli;

import java.util.List;
import java.util.function.IntConsumer;

/** The signals {@code jstore run} passes on to its container, and the one way it catches them. */
final class SignalForwarding {
    /** When the container is outside the terminal's process group: the terminal's own signals too. */
    static final List<String> WITH_TERMINAL = List.of("INT", "TERM", "HUP", "QUIT", "USR1", "USR2");
    /** When the container (an OCI runtime) shares the terminal's process group and gets Ctrl-C itself. */
    static final List<String> WITHOUT_TERMINAL = List.of("TERM", "HUP", "USR1", "USR2");

    private SignalForwarding() {}

    /** A class, not a lambda: the thin client must not pay for spinning one. */
    @SuppressWarnings("removal")
    private record Handler(IntConsumer to) implements sun.misc.SignalHandler {
        @Override
        public void handle(sun.misc.Signal s) {
            to.accept(s.getNumber());
        }
    }

    @SuppressWarnings("removal")
    static void forward(List<String> names, IntConsumer to) {
        for (String name : names) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), new Handler(to));
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal for itself (QUIT for thread dumps when -Xrs is absent)
            }
        }
    }
}
