package io.jstore.bench.report;

import io.jstore.bench.Skips;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report of one run: {@code DIR/report.md}, {@code DIR/report.html} and one PNG chart per
 * question in {@code DIR/charts/}, made from JMH's JSON ({@code DIR/jmh-result.json}, kept)
 * and the skips file.
 *
 * @param title  "quick run, 2026-12-02 17:40 UTC"
 * @param facts  host and run facts, one line each ("Linux 6.18.44, 2 CPUs")
 */
public record Report(String title, List<String> facts, List<Comparison> comparisons, List<Skips.Skip> unplaced) {
    public static final String JMH_JSON = "jmh-result.json";
    public static final String SKIPS = "skips.jsonl";

    public Report {
        facts = List.copyOf(facts);
        comparisons = List.copyOf(comparisons);
        unplaced = List.copyOf(unplaced);
    }

    /** Reads the run's results from {@code dir}. */
    public static Report read(Path dir, String title, List<String> facts) throws IOException {
        Path json = dir.resolve(JMH_JSON);
        List<Measurement> ms = Files.exists(json) && Files.size(json) > 0 ? JmhResults.read(json) : List.of();
        List<Skips.Skip> skips = Skips.read(dir.resolve(SKIPS));
        List<Comparison> cs = Comparisons.of(ms, skips);
        List<Skips.Skip> placed = cs.stream().flatMap(c -> c.skips().stream()).toList();
        List<Skips.Skip> rest = new ArrayList<>(skips);
        rest.removeAll(placed);
        return new Report(title, facts, cs, rest);
    }

    /** The chart file of a question, relative to the report's directory. */
    public static String chartPath(Comparison c) {
        return "charts/" + c.key().substring(c.key().lastIndexOf('.', c.key().lastIndexOf('.') - 1) + 1)
                .replace('.', '-').toLowerCase(Locale.ROOT) + ".png";
    }

    /** Writes report.md, report.html and the charts into {@code dir}; returns report.html. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("charts"));
        for (Comparison c : comparisons) {
            if (!c.cases().isEmpty()) Charts.write(c, dir.resolve(chartPath(c)));
        }
        Files.writeString(dir.resolve("report.md"), MarkdownReport.render(this));
        Path html = dir.resolve("report.html");
        Files.writeString(html, HtmlReport.render(this));
        return html;
    }

    /**
     * The headline table's columns: the drivers (or "jstore" where no driver is timed) in the order
     * of their first appearance, then the peers. A driver timed with several executors or variants
     * keeps one column; its cell names each ({@link #headline}).
     */
    List<String> columns() {
        List<String> subjects = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        for (Comparison c : comparisons) {
            for (Comparison.Case k : c.cases()) {
                for (Comparison.Bar b : k.bars()) {
                    List<String> to = b.role() == Role.PEER ? peers : b.role() == Role.SUBJECT ? subjects : null;
                    if (to != null && !to.contains(column(b))) to.add(column(b));
                }
            }
        }
        subjects.addAll(peers);
        return subjects;
    }

    /** "0.461×", or with several executors or variants "0.461× builtin, 1.02× runc"; "–" where the column has no bar. */
    static String headline(Comparison.Case k, String column) {
        List<String> cells = new ArrayList<>();
        for (Comparison.Bar b : k.bars()) {
            if (b.role() == Role.REFERENCE || !column(b).equals(column)) continue;
            String rest = b.label().substring(column.length()).strip();
            cells.add(Units.ratio(b.ratio()) + (rest.isEmpty() ? "" : " " + rest));
        }
        return cells.isEmpty() ? "–" : String.join(", ", cells);
    }

    private static String column(Comparison.Bar b) {
        return b.role() == Role.PEER ? b.label() : b.measurement().params().getOrDefault(Comparisons.DRIVER, "jstore");
    }

    /**
     * One line per driver (or peer) and reason, listing the cases it covers: a driver refusing
     * the fixture refuses it in every case, and the report should say so once. Scratch paths
     * differ per case and are shown as {@code <fixture>}.
     */
    static List<String> skipLines(List<Skips.Skip> skips) {
        java.util.Map<String, List<String>> cases = new java.util.LinkedHashMap<>();
        for (Skips.Skip s : skips) {
            String who = s.params().containsKey("driver") ? Comparisons.subjectLabel(s.params())
                    : s.params().getOrDefault("peer", s.benchmark().substring(s.benchmark().lastIndexOf('.') + 1));
            String reason = s.reason().replaceAll("/var/tmp/jstore-scratch/[^ :]*", "<fixture>");
            String where = s.params().entrySet().stream().filter(e -> !Comparisons.LABEL_PARAMS.contains(e.getKey()))
                    .sorted(java.util.Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + " " + b).orElse("");
            List<String> list = cases.computeIfAbsent(who + "\u0000" + reason, k -> new ArrayList<>());
            if (!where.isEmpty() && !list.contains(where)) list.add(where);
        }
        List<String> out = new ArrayList<>();
        cases.forEach((k, where) -> {
            String[] wr = k.split("\u0000", 2);
            out.add(wr[0] + (where.isEmpty() ? "" : " (" + String.join("; ", where) + ")") + ": " + wr[1]);
        });
        return out;
    }
}
