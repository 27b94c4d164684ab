package io.jstore.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --format table|json}: tables for people, JSON for scripts (one document per command,
 * the records' own field names). Mixed into every listing and inspecting command.
 */
final class Output {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--format", description = "Output format: table (default) or json.", defaultValue = "table")
    String format;

    boolean json() {
        return switch (format) {
            case "json" -> true;
            case "table" -> false;
            default -> throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(new Object()), "--format must be table or json, not '" + format + "'");
        };
    }

    static void json(PrintWriter out, Object value) throws java.io.IOException {
        out.println(JSON.writeValueAsString(value));
        out.flush();
    }

    /** The 12 hex digits people use for a digest, as docker prints them. */
    static String shortId(String digest) {
        if (digest == null) return "-";
        String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** A left-aligned table with a header row, columns as wide as their widest cell. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        Table row(Object... cells) {
            String[] r = new String[cells.length];
            for (int i = 0; i < cells.length; i++) r[i] = cells[i] == null ? "-" : cells[i].toString();
            rows.add(r);
            return this;
        }

        void print(PrintWriter out) {
            int[] w = new int[rows.get(0).length];
            for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
            for (String[] r : rows) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < r.length; i++) {
                    b.append(r[i]);
                    if (i < r.length - 1) b.append(" ".repeat(w[i] - r[i].length() + 2));
                }
                out.println(b);
            }
            out.flush();
        }
    }
}
