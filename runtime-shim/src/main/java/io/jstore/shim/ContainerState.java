package io.jstore.shim;

import java.util.List;

/**
 * What {@code jstore ps} shows of a container: its record, and its lifecycle as the
 * supervisor left it on disk. {@code status} is created (never started), running, exited
 * (with {@code exitCode}) or dead (the supervisor vanished without recording an exit).
 */
public record ContainerState(String id, String image, List<String> command, String runtime, String status,
                             int exitCode, boolean oomKilled, long pid, long created) {
    public ContainerState {
        command = List.copyOf(command);
    }

    public boolean running() {
        return status.equals("running");
    }

    /** docker ps's STATUS column. */
    public String describe() {
        return switch (status) {
            case "exited" -> "Exited (" + exitCode + ")" + (oomKilled ? " OOMKilled" : "");
            case "running" -> "Up";
            case "dead" -> "Dead";
            default -> "Created";
        };
    }
}
