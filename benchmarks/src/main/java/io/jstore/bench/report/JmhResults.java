package io.jstore.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads JMH's JSON result file ({@code -rf json}) into {@link Measurement}s. */
public final class JmhResults {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JmhResults() {}

    public static List<Measurement> read(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        if (root == null || root.isMissingNode()) return List.of();
        if (!root.isArray()) throw new IOException(file + ": not a JMH JSON result (expected an array)");
        List<Measurement> out = new ArrayList<>();
        for (JsonNode b : root) out.add(parse(file, b));
        return out;
    }

    private static Measurement parse(Path file, JsonNode b) throws IOException {
        String name = b.path("benchmark").asText(null);
        JsonNode pm = b.path("primaryMetric");
        if (name == null || pm.isMissingNode()) throw new IOException(file + ": a result without benchmark or primaryMetric");
        String mode = b.path("mode").asText();
        if (mode.equals("thrpt")) throw new IOException(file + ": " + name + " is a throughput result; suites report time per op");
        double unit = Measurement.nanosPer(pm.path("scoreUnit").asText());
        Map<String, String> params = new LinkedHashMap<>();
        b.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
        double[] samples = samples(pm.path("rawData"));
        double median;
        double min;
        double max;
        if (samples.length > 0) {
            Arrays.sort(samples);
            median = median(samples);
            min = samples[0];
            max = samples[samples.length - 1];
        } else {
            JsonNode p = pm.path("scorePercentiles");
            median = p.path("50.0").asDouble(pm.path("score").asDouble());
            min = p.path("0.0").asDouble(median);
            max = p.path("100.0").asDouble(median);
        }
        double error = pm.path("scoreError").asDouble(Double.NaN);
        return new Measurement(name, params, mode, pm.path("score").asDouble() * unit,
                Double.isNaN(error) ? Double.NaN : error * unit, median * unit, min * unit, max * unit,
                samples.length);
    }

    /** Every sample of every fork: rawData is [fork][iteration] of scores in the result's unit. */
    private static double[] samples(JsonNode raw) {
        List<Double> all = new ArrayList<>();
        for (JsonNode fork : raw) for (JsonNode v : fork) all.add(v.asDouble());
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
