package io.jstore.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code jstore run} the launcher started as {@code java -cp JAR io.jstore.cli.Launch} because its
 * store's service listens: without {@code -jar} the JVM skips the manifest's {@code Add-Opens},
 * whose processing is the JDK's first lambda (~10 ms of a client that needs no LMDB). When the
 * service does not run the command after all, this process starts again, same pid and stdio, as
 * {@code java -jar JAR}, with the opens LMDB needs.
 */
final class Relaunch {
    /** {@code relaunch}: started without the manifest; {@code local}: started again, run here. */
    static final String PROPERTY = "jstore.client";
    static final String WANTED = "-D" + PROPERTY + "=relaunch";
    static final String LOCAL = "-D" + PROPERTY + "=local";

    private Relaunch() {}

    static boolean wanted() {
        return "relaunch".equals(System.getProperty(PROPERTY));
    }

    static boolean local() {
        return "local".equals(System.getProperty(PROPERTY));
    }

    /** Starts this process again with the manifest; returns only when it cannot, saying why on stderr. */
    static void exec() {
        try {
            if (!ClientLibrary.available()) throw new IOException("no " + ClientLibrary.PROPERTY);
            List<String> argv = withManifest(cmdline(Files.readAllBytes(Path.of("/proc/self/cmdline"))));
            if (argv == null) throw new IOException("not started as " + WANTED + " -cp JAR " + Launch.class.getName());
            byte[][] raw = new byte[argv.size()][];
            for (int i = 0; i < raw.length; i++) raw[i] = argv.get(i).getBytes(StandardCharsets.ISO_8859_1);
            ClientLibrary.exec0(raw);
        } catch (IOException e) {
            System.err.println("jstore: cannot start again with the jar's manifest: " + e.getMessage());
        }
    }

    /** {@code /proc/PID/cmdline}'s arguments, each byte one char (ISO-8859-1), so they go back unchanged. */
    static List<String> cmdline(byte[] nulSeparated) {
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < nulSeparated.length; i++) {
            if (nulSeparated[i] == 0) {
                args.add(new String(nulSeparated, start, i - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        return args;
    }

    /**
     * {@code -Djstore.client=relaunch -cp JAR io.jstore.cli.Launch}, as the launcher puts them, made
     * {@code -Djstore.client=local -jar JAR}; null when they are not there. Found as that sequence, not by
     * parsing java's options: some take their value as the next argument ({@code --add-opens X}).
     */
    static List<String> withManifest(List<String> argv) {
        for (int i = 1; i + 3 < argv.size(); i++) {
            if (argv.get(i).equals(WANTED) && argv.get(i + 1).equals("-cp") && argv.get(i + 3).equals(Launch.class.getName())) {
                List<String> out = new ArrayList<>(argv.subList(0, i));
                out.add(LOCAL);
                out.add("-jar");
                out.add(argv.get(i + 2));
                out.addAll(argv.subList(i + 4, argv.size()));
                return out;
            }
        }
        return null;
    }
}
