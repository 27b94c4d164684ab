package io.jstore.shim;

import java.util.List;

/**
 * What the user asked for, as {@code docker run}'s flags spell it; null means "the image's or
 * the default". {@code command} replaces the image's Cmd; {@code entrypoint} replaces its
 * Entrypoint (and then drops its Cmd, as Docker does).
 */
public record RunOptions(List<String> command, List<String> entrypoint, List<String> env, String workdir, String user,
                         String hostname, Long memoryBytes, Long pidsLimit, Double cpus, List<Bind> binds,
                         Network network, boolean terminal, boolean readonlyRoot) {

    public enum Network { NONE, HOST }

    /** {@code -v SRC:DST[:ro]}: a host path bound into the container. */
    public record Bind(String source, String destination, boolean readOnly) {
        public static Bind parse(String spec) {
            String[] p = spec.split(":");
            if (p.length < 2 || p.length > 3 || !p[0].startsWith("/") || !p[1].startsWith("/")) {
                throw new IllegalArgumentException("volume must be /SRC:/DST[:ro|rw], got " + spec);
            }
            boolean ro = p.length == 3 && p[2].equals("ro");
            if (p.length == 3 && !ro && !p[2].equals("rw")) throw new IllegalArgumentException("volume mode must be ro or rw: " + spec);
            return new Bind(p[0], p[1], ro);
        }
    }

    public RunOptions {
        command = command == null ? List.of() : List.copyOf(command);
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        env = env == null ? List.of() : List.copyOf(env);
        binds = binds == null ? List.of() : List.copyOf(binds);
        network = network == null ? Network.NONE : network;
    }

    public static RunOptions of(String... command) {
        return new RunOptions(List.of(command), null, null, null, null, null, null, null, null, null, null, false, false);
    }

    public RunOptions withHostname(String h) {
        return new RunOptions(command, entrypoint, env, workdir, user, h, memoryBytes, pidsLimit, cpus, binds, network, terminal, readonlyRoot);
    }

    public RunOptions withMemory(long bytes) {
        return new RunOptions(command, entrypoint, env, workdir, user, hostname, bytes, pidsLimit, cpus, binds, network, terminal, readonlyRoot);
    }

    public RunOptions withPidsLimit(long n) {
        return new RunOptions(command, entrypoint, env, workdir, user, hostname, memoryBytes, n, cpus, binds, network, terminal, readonlyRoot);
    }

    public RunOptions withCpus(double c) {
        return new RunOptions(command, entrypoint, env, workdir, user, hostname, memoryBytes, pidsLimit, c, binds, network, terminal, readonlyRoot);
    }

    public RunOptions withBinds(List<Bind> b) {
        return new RunOptions(command, entrypoint, env, workdir, user, hostname, memoryBytes, pidsLimit, cpus, b, network, terminal, readonlyRoot);
    }

    public RunOptions withUser(String u) {
        return new RunOptions(command, entrypoint, env, workdir, u, hostname, memoryBytes, pidsLimit, cpus, binds, network, terminal, readonlyRoot);
    }

    public RunOptions withEnv(List<String> e) {
        return new RunOptions(command, entrypoint, e, workdir, user, hostname, memoryBytes, pidsLimit, cpus, binds, network, terminal, readonlyRoot);
    }

    public RunOptions withWorkdir(String w) {
        return new RunOptions(command, entrypoint, env, w, user, hostname, memoryBytes, pidsLimit, cpus, binds, network, terminal, readonlyRoot);
    }

    public RunOptions withReadonlyRoot(boolean ro) {
        return new RunOptions(command, entrypoint, env, workdir, user, hostname, memoryBytes, pidsLimit, cpus, binds, network, terminal, ro);
    }

    public RunOptions withNetwork(Network n) {
        return new RunOptions(command, entrypoint, env, workdir, user, hostname, memoryBytes, pidsLimit, cpus, binds, n, terminal, readonlyRoot);
    }

    public RunOptions withTerminal(boolean t) {
        return new RunOptions(command, entrypoint, env, workdir, user, hostname, memoryBytes, pidsLimit, cpus, binds, network, t, readonlyRoot);
    }
}
