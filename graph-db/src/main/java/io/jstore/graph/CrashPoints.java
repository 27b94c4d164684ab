package io.jstore.graph;

/**
 * Named points between the steps of every change that spans the database and the driver.
 * When the system property {@code jstore.crash} names one, the process halts there as
 * {@code kill -9} would (no shutdown hooks, no finally blocks): how the crash tests put a
 * child JVM's death exactly between two steps, for every pair of steps.
 */
public final class CrashPoints {
    private CrashPoints() {}

    /** Exit status of a process halted at a crash point (128 + SIGKILL, as a shell reports a kill -9). */
    public static final int HALT_STATUS = 137;

    private static final String ARMED = System.getProperty("jstore.crash");

    /** Every point, in the order an import, a container's life and a removal reach them. */
    public static final java.util.List<String> ALL = java.util.List.of(
            "layer.recorded", "layer.created", "layer.applied", "layer.published",
            "image.committed",
            "container.recorded", "container.created", "container.published",
            "mount.recorded",
            "remove.claimed", "remove.driver");

    /** Halts here when this point is armed; otherwise free (one string comparison). */
    public static void reach(String point) {
        if (point.equals(ARMED)) Runtime.getRuntime().halt(HALT_STATUS);
    }
}
