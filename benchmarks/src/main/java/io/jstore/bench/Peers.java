package io.jstore.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engines a report compares with, found at run time: a peer counts only when its client
 * is installed and its daemon (if it has one) answers, and its label carries the server's
 * version. With {@code --peers} the run starts private daemons ({@link PeerDaemons}) and the
 * clients here talk to those, through the addresses in the system properties below; the reason
 * a peer is missing goes into the report.
 */
public final class Peers {
    /** A peer engine and what the host says of it. */
    public record Status(String name, boolean available, String version, String reason) {}

    /** {@code unix:///…/docker.sock} of the private dockerd. */
    static final String DOCKER_HOST = "jstore.bench.docker.host";
    /** The docker client matching the private dockerd's API. */
    static final String DOCKER_CLIENT = "jstore.bench.docker.client";
    /** The gRPC socket of the private containerd. */
    static final String CONTAINERD_ADDRESS = "jstore.bench.containerd.address";
    /** The containerd namespace the bench's images and containers live in. */
    static final String NAMESPACE = "jstore-bench";

    private static final Map<String, Status> CACHE = new ConcurrentHashMap<>();
    public static final List<String> KNOWN = List.of("docker", "podman", "containerd");

    private Peers() {}

    public static Status status(String name) {
        return CACHE.computeIfAbsent(name, Peers::probe);
    }

    /** Records why a peer cannot run (its daemon did not start), before anyone probes it. */
    static void unavailable(String name, String reason) {
        CACHE.put(name, new Status(name, false, null, reason));
    }

    /** "docker 20.10.24" — the name with the version its server reported. */
    public static String label(String name) {
        Status s = status(name);
        return s.available() ? name + " " + s.version() : name;
    }

    /** The client command of a peer with the address of its daemon: {@code client(p)} + args is what the suites run. */
    public static List<String> client(String name) {
        return switch (name) {
            case "docker" -> {
                List<String> cmd = new ArrayList<>(List.of(System.getProperty(DOCKER_CLIENT, "docker")));
                String host = System.getProperty(DOCKER_HOST);
                if (host != null) cmd.addAll(List.of("-H", host));
                yield cmd;
            }
            case "containerd" -> {
                List<String> cmd = new ArrayList<>(List.of("ctr"));
                String address = System.getProperty(CONTAINERD_ADDRESS);
                if (address != null) cmd.addAll(List.of("-a", address));
                cmd.addAll(List.of("-n", NAMESPACE));
                yield cmd;
            }
            case "podman" -> List.of("podman");
            default -> throw new IllegalArgumentException("unknown peer " + name + " (known: " + KNOWN + ")");
        };
    }

    /** {@code client(name)} followed by {@code args}. */
    public static List<String> command(String name, String... args) {
        List<String> cmd = new ArrayList<>(client(name));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Status probe(String name) {
        List<String> cmd = switch (name) {
            case "docker" -> command(name, "version", "--format", "{{.Server.Version}}");
            case "podman" -> command(name, "version", "--format", "{{.Version}}");
            case "containerd" -> command(name, "version");
            default -> throw new IllegalArgumentException("unknown peer " + name + " (known: " + KNOWN + ")");
        };
        String tool = cmd.get(0);
        try {
            Tools.Result r = Tools.run(cmd, 20);
            if (r.exit() != 0) {
                String why = r.output().strip().lines().reduce((a, b) -> b).orElse("exit " + r.exit());
                return new Status(name, false, null, tool + " is installed (" + Tools.version(tool)
                        + ") but its daemon does not answer: " + why);
            }
            String version = name.equals("containerd") ? serverVersion(r.output()) : r.output().strip();
            return new Status(name, true, version, "");
        } catch (IOException e) {
            return new Status(name, false, null, tool + " is not installed");
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
