package io.jstore.driver;

/** Whether a driver can run with its home at a given place, and if not, exactly why. */
public record Probe(boolean supported, String reason) {
    public static Probe ok(String what) {
        return new Probe(true, what);
    }

    public static Probe no(String why) {
        return new Probe(false, why);
    }

    @Override
    public String toString() {
        return (supported ? "supported" : "not supported") + (reason == null || reason.isEmpty() ? "" : ": " + reason);
    }
}
