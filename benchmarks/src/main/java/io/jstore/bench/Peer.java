package io.jstore.bench;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the JMH method that times the same operation with another engine (its {@code peer}
 * parameter: docker, podman, containerd), run only with {@code --peers} and only for the
 * engines {@link Peers} finds working.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Peer {
    /** The name of the {@link Subject} method this compares with. */
    String of();

    /** What the peer runs: "docker run --rm busybox true". */
    String value();
}
