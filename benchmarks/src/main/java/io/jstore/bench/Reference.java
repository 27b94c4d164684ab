package io.jstore.bench;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the JMH method that times the physical reference of a {@link Subject} in the same run,
 * on the same fixture: every jstore figure in the report is divided by this one.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Reference {
    /** The name of the {@link Subject} method this is the reference of. */
    String of();

    /** The bar's short name in charts: "cp", "bind mount(2)", "tar -x", "runc run", "layers.json". */
    String label();

    /** What it does: "cp --reflink=auto of the same lower file, then the same write". */
    String value();

    /** Tools whose versions label the bar ({@code cp}, {@code tar}, {@code runc}; {@code kernel} for a syscall). */
    String[] tools() default {};
}
