package io.jstore.linux.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Asks for a fresh {@link ScratchFilesystem} as a test-method or constructor parameter:
 * <pre>
 * &#64;Test void clones(&#64;Scratch(type = FsType.XFS) ScratchFilesystem fs) { ... fs.root() ... }
 * </pre>
 * The filesystem is made before the test and torn down after it; the test is skipped, with
 * the reason, where it cannot be made. A constructor parameter is made once and torn down
 * after the whole class (JUnit resolves constructors in the class context), so every instance
 * of a per-method lifecycle shares it: pair it with {@code @TestInstance(PER_CLASS)}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@ExtendWith(ScratchFsExtension.class)
public @interface Scratch {
    FsType type() default FsType.EXT4;

    /** Size of the (sparse) image; xfs needs at least 300 MiB, btrfs about 120 MiB. */
    long sizeMiB() default 512;
}
