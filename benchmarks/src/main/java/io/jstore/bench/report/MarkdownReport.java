package io.jstore.bench.report;

import io.jstore.bench.Skips;
import java.util.List;

/** report.md: the headline ratios, then each question's chart, table and skips. */
final class MarkdownReport {
    private MarkdownReport() {}

    static String render(Report r) {
        StringBuilder md = new StringBuilder();
        md.append("# jstore bench — ").append(r.title()).append("\n\n");
        for (String f : r.facts()) md.append("- ").append(f).append('\n');
        md.append("\nEvery ratio is a median divided by the median of the reference measured in the same run, "
                + "on the same fixture filesystem: 1× is as fast as the reference, lower is faster. "
                + "JMH's own results are in [").append(Report.JMH_JSON).append("](").append(Report.JMH_JSON).append(").\n\n");

        List<String> subjects = r.columns();
        md.append("## Headline ratios (× reference)\n\n| question | case | reference median |");
        for (String s : subjects) md.append(' ').append(cell(s)).append(" |");
        md.append("\n|---|---|---|");
        md.append("---|".repeat(subjects.size())).append('\n');
        for (Comparison c : r.comparisons()) {
            for (Comparison.Case k : c.cases()) {
                md.append("| ").append(cell(c.question())).append(" | ").append(k.label()).append(" | ")
                        .append(k.reference().map(b -> Units.time(b.measurement().medianNs())).orElse("–")).append(" |");
                for (String s : subjects) {
                    md.append(' ').append(cell(Report.headline(k, s))).append(" |");
                }
                md.append('\n');
            }
        }
        for (Comparison c : r.comparisons()) question(md, c);
        if (!r.unplaced().isEmpty()) {
            md.append("\n## Also skipped\n\n");
            for (Skips.Skip s : r.unplaced()) md.append("- ").append(cell(s.benchmark() + ": " + s.reason())).append('\n');
        }
        return md.toString();
    }

    private static void question(StringBuilder md, Comparison c) {
        md.append("\n## ").append(c.question()).append("\n\n");
        md.append("- Measures: ").append(c.measures()).append('\n');
        md.append("- Reference: ").append(c.reference()).append('\n');
        if (!c.peers().isEmpty()) md.append("- Peers (with --peers): ").append(c.peers()).append('\n');
        md.append("- Suite: `").append(c.key()).append("`\n\n");
        if (c.cases().isEmpty()) {
            md.append("Nothing measured.\n");
        } else {
            md.append("![").append(cell(c.question())).append("](").append(Report.chartPath(c)).append(")\n\n");
            md.append("| case | bar | median | min | max | score ± 99.9% error | samples | × reference |\n");
            md.append("|---|---|---|---|---|---|---|---|\n");
            for (Comparison.Case k : c.cases()) {
                for (Comparison.Bar b : k.bars()) {
                    Measurement m = b.measurement();
                    md.append("| ").append(k.label()).append(" | ").append(cell(b.label())).append(" | ")
                            .append(Units.time(m.medianNs())).append(" | ").append(Units.time(m.minNs())).append(" | ")
                            .append(Units.time(m.maxNs())).append(" | ").append(Units.time(m.scoreNs()))
                            .append(Double.isNaN(m.errorNs()) ? "" : " ± " + Units.time(m.errorNs())).append(" | ")
                            .append(m.samples()).append(" | ").append(Units.ratio(b.ratio())).append(" |\n");
                }
            }
        }
        if (!c.skips().isEmpty()) {
            md.append("\nSkipped or failed:\n\n");
            for (String line : Report.skipLines(c.skips())) md.append("- ").append(cell(line)).append('\n');
        }
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
