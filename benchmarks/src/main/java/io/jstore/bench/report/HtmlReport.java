package io.jstore.bench.report;

import io.jstore.bench.Skips;
import java.util.List;

/** report.html: the same content as report.md, as one self-contained page beside its charts. */
final class HtmlReport {
    private HtmlReport() {}

    static String render(Report r) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>jstore bench — ")
                .append(esc(r.title())).append("</title>\n<style>body{font-family:sans-serif;max-width:70em;margin:2em auto}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}"
                        + "td:first-child,th:first-child,td:nth-child(2){text-align:left}img{max-width:100%}</style></head><body>\n");
        h.append("<h1>jstore bench — ").append(esc(r.title())).append("</h1>\n<ul>");
        for (String f : r.facts()) h.append("<li>").append(esc(f)).append("</li>");
        h.append("</ul>\n<p>Every ratio is a median divided by the median of the reference measured in the same run, on the "
                + "same fixture filesystem: 1× is as fast as the reference, lower is faster. JMH's own results: <a href=\"")
                .append(Report.JMH_JSON).append("\">").append(Report.JMH_JSON).append("</a>.</p>\n");

        List<String> subjects = r.columns();
        h.append("<h2>Headline ratios (× reference)</h2>\n<table><tr><th>question</th><th>case</th><th>reference median</th>");
        for (String s : subjects) h.append("<th>").append(esc(s)).append("</th>");
        h.append("</tr>\n");
        for (Comparison c : r.comparisons()) {
            for (Comparison.Case k : c.cases()) {
                h.append("<tr><td>").append(esc(c.question())).append("</td><td>").append(esc(k.label())).append("</td><td>")
                        .append(k.reference().map(b -> Units.time(b.measurement().medianNs())).orElse("–")).append("</td>");
                for (String s : subjects) {
                    h.append("<td>").append(esc(Report.headline(k, s))).append("</td>");
                }
                h.append("</tr>\n");
            }
        }
        h.append("</table>\n");
        for (Comparison c : r.comparisons()) question(h, c);
        if (!r.unplaced().isEmpty()) {
            h.append("<h2>Also skipped</h2><ul>");
            for (Skips.Skip s : r.unplaced()) h.append("<li>").append(esc(s.benchmark() + ": " + s.reason())).append("</li>");
            h.append("</ul>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    private static void question(StringBuilder h, Comparison c) {
        h.append("<h2>").append(esc(c.question())).append("</h2>\n<ul><li>Measures: ").append(esc(c.measures()))
                .append("</li><li>Reference: ").append(esc(c.reference()))
                .append(c.peers().isEmpty() ? "" : "</li><li>Peers (with --peers): " + esc(c.peers()))
                .append("</li><li>Suite: <code>")
                .append(esc(c.key())).append("</code></li></ul>\n");
        if (c.cases().isEmpty()) {
            h.append("<p>Nothing measured.</p>\n");
        } else {
            h.append("<img src=\"").append(Report.chartPath(c)).append("\" alt=\"").append(esc(c.question())).append("\">\n");
            h.append("<table><tr><th>case</th><th>bar</th><th>median</th><th>min</th><th>max</th>"
                    + "<th>score ± 99.9% error</th><th>samples</th><th>× reference</th></tr>\n");
            for (Comparison.Case k : c.cases()) {
                for (Comparison.Bar b : k.bars()) {
                    Measurement m = b.measurement();
                    h.append("<tr><td>").append(esc(k.label())).append("</td><td>").append(esc(b.label())).append("</td><td>")
                            .append(Units.time(m.medianNs())).append("</td><td>").append(Units.time(m.minNs()))
                            .append("</td><td>").append(Units.time(m.maxNs())).append("</td><td>").append(Units.time(m.scoreNs()))
                            .append(Double.isNaN(m.errorNs()) ? "" : " ± " + Units.time(m.errorNs())).append("</td><td>")
                            .append(m.samples()).append("</td><td>").append(Units.ratio(b.ratio())).append("</td></tr>\n");
                }
            }
            h.append("</table>\n");
        }
        if (!c.skips().isEmpty()) {
            h.append("<p>Skipped or failed:</p><ul>");
            for (String line : Report.skipLines(c.skips())) h.append("<li>").append(esc(line)).append("</li>");
            h.append("</ul>\n");
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
