package io.jstore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * What could not be measured, and why, for the report: one JSON line per skipped benchmark in
 * the file named by the system property {@value #PROPERTY}, written by the runner (no driver,
 * no peer) and by suites' setups in forked JVMs (driver probe refused the fixture).
 */
public final class Skips {
    public static final String PROPERTY = "jstore.bench.skips";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One skipped benchmark: the JMH method's full name, its parameters, the reason. */
    public record Skip(String benchmark, Map<String, String> params, String reason) {
        public Skip {
            params = Map.copyOf(params);
        }
    }

    private Skips() {}

    /** Records the skip of the running benchmark and returns the exception its setup throws. */
    public static SkipException skip(BenchmarkParams bp, String reason) {
        Map<String, String> params = new TreeMap<>();
        for (String k : bp.getParamsKeys()) params.put(k, bp.getParam(k));
        record(new Skip(bp.getBenchmark(), params, reason));
        return new SkipException(reason);
    }

    public static void record(Skip s) {
        String file = System.getProperty(PROPERTY);
        if (file == null) return;
        try {
            append(Path.of(file), s);
        } catch (IOException e) {
            throw new SkipException(s.reason() + " (and the skip could not be recorded: " + e.getMessage() + ")");
        }
    }

    static void append(Path file, Skip s) throws IOException {
        byte[] line = (JSON.writeValueAsString(s) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND); FileLock lock = ch.lock()) {
            ch.write(java.nio.ByteBuffer.wrap(line));
        }
    }

    public static List<Skip> read(Path file) throws IOException {
        List<Skip> out = new ArrayList<>();
        if (!Files.exists(file)) return out;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) out.add(JSON.readValue(line, Skip.class));
        }
        return out;
    }
}
