package io.jstore.linux;

/** Whether a descriptor is a terminal, as isatty(3) says; {@code System.console()} asks about stdin and stdout instead. */
public final class Terminal {
    private Terminal() {}

    public static final int STDERR = 2;

    public static boolean is(int fd) {
        return Library.LIBC.isatty(fd) == 1;
    }
}
