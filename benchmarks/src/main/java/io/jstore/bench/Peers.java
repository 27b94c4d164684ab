package io.jstore.bench;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engines a report compares with, found at run time: a peer counts only when its client
 * is installed and its daemon (if it has one) answers, and its label carries the server's
 * version. The reason a peer is missing goes into the report.
 */
public final class Peers {
    /** A peer engine and what the host says of it. */
    public record Status(String name, boolean available, String version, String reason) {}

    private static final Map<String, Status> CACHE = new ConcurrentHashMap<>();
    public static final List<String> KNOWN = List.of("docker", "podman", "containerd");

    private Peers() {}

    public static Status status(String name) {
        return CACHE.computeIfAbsent(name, Peers::probe);
    }

    /** "docker 28.2.2" — the name with the version its server reported. */
    public static String label(String name) {
        Status s = status(name);
        return s.available() ? name + " " + s.version() : name;
    }

    /** The client command of a peer: what the suites run. */
    public static String client(String name) {
        return name.equals("containerd") ? "ctr" : name;
    }

    private static Status probe(String name) {
        List<String> cmd = switch (name) {
            case "docker" -> List.of("docker", "version", "--format", "{{.Server.Version}}");
            case "podman" -> List.of("podman", "version", "--format", "{{.Version}}");
            case "containerd" -> List.of("ctr", "version");
            default -> throw new IllegalArgumentException("unknown peer " + name + " (known: " + KNOWN + ")");
        };
        try {
            Tools.Result r = Tools.run(cmd, 20);
            if (r.exit() != 0) {
                String why = r.output().strip().lines().reduce((a, b) -> b).orElse("exit " + r.exit());
                return new Status(name, false, null, client(name) + " is installed (" + Tools.version(client(name))
                        + ") but its daemon does not answer: " + why);
            }
            String version = name.equals("containerd") ? serverVersion(r.output()) : r.output().strip();
            return new Status(name, true, version, "");
        } catch (IOException e) {
            return new Status(name, false, null, client(name) + " is not installed");
        }
    }

    // ctr version prints a Client: and a Server: block, each with a "Version:" line.
    private static String serverVersion(String out) {
        boolean server = false;
        for (String line : out.lines().toList()) {
            if (line.strip().startsWith("Server:")) server = true;
            if (server && line.strip().startsWith("Version:")) return line.strip().substring("Version:".length()).strip();
        }
        return "unknown";
    }
}
