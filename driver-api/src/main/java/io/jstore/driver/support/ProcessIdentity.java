package io.jstore.driver.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process as the kernel names it for life: its pid plus its start time (field 22 of
 * {@code /proc/PID/stat}, in clock ticks since boot). A pid alone is not enough, because
 * the kernel reuses pids; a record whose pid now belongs to a younger process is dead.
 *
 * <p>Pids are those of the caller's pid namespace: processes sharing a store must share one.
 */
public record ProcessIdentity(long pid, long startTime) {
    private static final ProcessIdentity SELF = of(ProcessHandle.current().pid());

    /** The store itself, holder of detached mounts ({@code jstore mount}): never dies. Pid 0 is no process's. */
    public static final ProcessIdentity STORE = new ProcessIdentity(0, 0);

    /** This JVM. */
    public static ProcessIdentity self() {
        return SELF;
    }

    /** The running process {@code pid}, or null if there is none. */
    public static ProcessIdentity of(long pid) {
        Long start = startTimeOf(pid);
        return start == null ? null : new ProcessIdentity(pid, start);
    }

    /** Whether this very process still runs (a zombie counts as gone: it holds nothing). */
    public boolean alive() {
        if (pid == 0) return true;
        String stat = readStat(pid);
        if (stat == null) return false;
        String[] f = fieldsAfterComm(stat);
        return !f[0].equals("Z") && !f[0].equals("X") && Long.parseLong(f[19]) == startTime;
    }

    private static Long startTimeOf(long pid) {
        String stat = readStat(pid);
        return stat == null ? null : Long.parseLong(fieldsAfterComm(stat)[19]);
    }

    /**
     * Fields 3… of the stat line. The command name (field 2) is in parentheses and may itself
     * contain spaces and ')', so the split starts after the last ')'.
     */
    private static String[] fieldsAfterComm(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }

    private static String readStat(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
    }

    /** The record's text form, {@code PID START}. */
    @Override
    public String toString() {
        return pid + " " + startTime;
    }

    /** Parses {@link #toString}'s form. */
    public static ProcessIdentity parse(String text) {
        String[] p = text.trim().split(" ");
        return new ProcessIdentity(Long.parseLong(p[0]), Long.parseLong(p[1]));
    }
}
