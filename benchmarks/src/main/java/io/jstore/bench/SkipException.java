package io.jstore.bench;

/** Thrown from a suite's setup when its subject cannot run here; the reason is in {@link Skips}. */
public final class SkipException extends RuntimeException {
    public SkipException(String reason) {
        super(reason);
    }
}
