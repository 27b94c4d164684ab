package io.jstore.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's id of this boot, which changes at every restart: what a record carries when it
 * is true only until the machine goes down (a probe's answer, a layer whose writes were never
 * made durable), so that the next boot tells it apart.
 */
public final class BootId {
    private static final Path FILE = Path.of("/proc/sys/kernel/random/boot_id");
    private static volatile String current;

    private BootId() {}

    /** This boot's id, as {@code /proc/sys/kernel/random/boot_id} gives it. */
    public static String current() throws IOException {
        String id = current;
        if (id == null) current = id = Files.readString(FILE, StandardCharsets.US_ASCII).strip();
        return id;
    }
}
