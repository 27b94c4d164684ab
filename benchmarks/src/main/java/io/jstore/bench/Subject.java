package io.jstore.bench;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the JMH method that times jstore (per driver, when the suite has a {@code driver}
 * parameter) for one question of the report. The method's name is the question's key; its
 * {@link Reference} and {@link Peer} methods name it in {@code of}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Subject {
    /** The question as the report's heading: "Copy-on-write: first write into a lower file". */
    String question();

    /** What one operation is, precisely: "open the file in the container's view, pwrite 1 byte, close". */
    String measures();
}
