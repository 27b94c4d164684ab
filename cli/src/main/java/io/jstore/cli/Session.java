package io.jstore.cli;

import io.jstore.graph.Graph;
import io.jstore.shim.Container;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * One client of {@link CliServer} as {@link RunCommand}'s caller: its stdio are its own open
 * files reopened through {@code /proc/PID/fd/N} (a terminal, a pipe, /dev/null; a socket
 * cannot be reopened, and a regular file only where a new open writes where the client would:
 * appending), its environment is the one it sent, and its signals arrive as frames.
 */
final class Session implements RunCaller {
    private static final int SIGKILL = 9;

    private final ServiceProtocol.Request request;
    private final Graph graph;
    private final List<Integer> pending = new ArrayList<>();
    private Container container;
    private CommandLine commandLine;
    private boolean gone;
    private boolean finished;

    Session(ServiceProtocol.Request request, Graph graph) {
        this.request = request;
        this.graph = graph;
    }

    Path fd(int n) {
        return Path.of("/proc/" + request.pid() + "/fd/" + n);
    }

    /** Why this service leaves the request to the client, or null when it runs it. */
    String declined() throws IOException {
        List<String> args = request.args();
        if (args.isEmpty() || !args.get(0).equals("run")) return "only run is served";
        CommandLine cli = commandLine();
        try {
            cli.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            return null; // the run prints the same usage error as the client would
        }
        RunCommand run = (RunCommand) cli.getSubcommands().get("run").getCommand();
        // the client's own process must set its terminal raw and see its window change
        if (run.tty) return "a terminal (-t) is driven by the client itself";
        if (!CliServer.sameDir(CliServer.rootOf(run, request), graph.root())) return "another store";
        if (run.global.driver != null && !run.global.driver.equals(graph.driver().name())) return "another driver";
        for (int n = run.interactive ? 0 : 1; n <= 2; n++) {
            String why = unreachable(n);
            if (why != null) return why;
        }
        return null;
    }

    /** The command line the request runs on, built once: {@link #declined} parses it, the run executes it. */
    CommandLine commandLine() {
        if (commandLine == null) commandLine = Main.commandLine(this, request.args().toArray(String[]::new));
        return commandLine;
    }

    private String unreachable(int n) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(fd(n), "unix:mode");
        } catch (IOException e) {
            return "its fd " + n + ": " + e.getMessage();
        }
        switch (mode & 0170000) {
            case 0020000, 0010000 -> {
                return null; // a character device (a terminal, /dev/null) or a pipe: reopened, it is the same one
            }
            case 0100000 -> {
                // a new open has its own offset: the same bytes only when reading from 0 or when appending
                long pos = 0;
                int flags = 0;
                for (String line : Files.readAllLines(Path.of("/proc/" + request.pid() + "/fdinfo/" + n))) {
                    if (line.startsWith("pos:")) pos = Long.parseLong(line.substring(4).trim());
                    if (line.startsWith("flags:")) flags = Integer.parseInt(line.substring(6).trim(), 8);
                }
                boolean same = n == 0 ? pos == 0 : (flags & 02000) != 0;
                return same ? null : "its fd " + n + " is a file at an offset a new open would not share";
            }
            default -> {
                return "its fd " + n + " cannot be reopened (a socket)";
            }
        }
    }

    @Override
    public Redirect stdin() {
        return Redirect.from(fd(0).toFile());
    }

    @Override
    public Redirect stdout() {
        return Redirect.appendTo(fd(1).toFile());
    }

    @Override
    public Redirect stderr() {
        return Redirect.appendTo(fd(2).toFile());
    }

    @Override
    public String env(String name) {
        return request.env().get(name);
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public synchronized void forwardSignals(Container c, boolean terminalSignalsToo) {
        container = c;
        for (int n : pending) deliver(n);
        pending.clear();
        if (gone) deliver(SIGKILL);
    }

    synchronized void signal(int n) {
        if (container != null) deliver(n);
        else if (!finished) pending.add(n);
    }

    /** The client has gone (or the service is closing): its container must not outlive it. */
    synchronized void clientGone() {
        if (finished || gone) return;
        gone = true;
        if (container != null) deliver(SIGKILL);
    }

    /** The command returned: no container to signal any more. */
    synchronized void finished() {
        finished = true;
        container = null;
    }

    private void deliver(int n) {
        try {
            container.signal(n);
        } catch (IOException e) {
            // it has ended: nothing to deliver to
        }
    }
}
