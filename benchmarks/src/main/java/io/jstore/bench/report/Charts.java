package io.jstore.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * One bar chart per question (XChart, PNG): a group of bars per case, one series per driver,
 * reference and peer; the y axis is the median time in one unit, logarithmic when the bars
 * span more than two orders of magnitude.
 */
public final class Charts {
    static final int WIDTH = 900;
    static final int HEIGHT = 420;

    private Charts() {}

    /** Writes {@code file} (".png" is added by XChart when missing). */
    public static void write(Comparison c, Path file) throws IOException {
        CategoryChart chart = chart(c);
        String name = file.toString();
        BitmapEncoder.saveBitmap(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
    }

    /** Case labels without the parameters every case shares (those go into the axis title). */
    static List<String> shortLabels(List<Comparison.Case> cases) {
        java.util.Set<String> shared = sharedKeys(cases);
        List<String> out = new ArrayList<>();
        for (Comparison.Case k : cases) {
            String l = k.params().entrySet().stream().filter(e -> !shared.contains(e.getKey()))
                    .sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue())
                    .reduce((a, b) -> a + " " + b).orElse(k.label());
            out.add(l);
        }
        return out;
    }

    private static String constants(List<Comparison.Case> cases) {
        if (cases.size() < 2) return "";
        String shared = sharedKeys(cases).stream().sorted().map(k -> k + "=" + cases.get(0).params().get(k))
                .reduce((a, b) -> a + " " + b).orElse("");
        return shared.isEmpty() ? "" : " (all: " + shared + ")";
    }

    private static java.util.Set<String> sharedKeys(List<Comparison.Case> cases) {
        java.util.Set<String> shared = new java.util.TreeSet<>();
        if (cases.size() < 2) return shared;
        for (Map.Entry<String, String> e : cases.get(0).params().entrySet()) {
            if (cases.stream().allMatch(k -> e.getValue().equals(k.params().get(e.getKey())))) shared.add(e.getKey());
        }
        return shared;
    }

    /** A driver keeps its hue in every chart (a second executor or variant a lighter shade); the reference is dark, peers grey. */
    static java.awt.Color color(Comparison.Bar b, int peerIndex) {
        if (b.role() == Role.REFERENCE) return new java.awt.Color(50, 50, 50);
        if (b.role() == Role.PEER) return GREYS[peerIndex % GREYS.length];
        String driver = b.measurement().params().getOrDefault(Comparisons.DRIVER, "jstore");
        java.awt.Color base = DRIVER_COLORS.getOrDefault(driver, new java.awt.Color(0x8c564b));
        boolean plain = b.label().equals(driver) || b.label().equals(driver + " builtin");
        return plain ? base : new java.awt.Color((base.getRed() + 255) / 2, (base.getGreen() + 255) / 2, (base.getBlue() + 255) / 2);
    }

    private static final Map<String, java.awt.Color> DRIVER_COLORS = Map.of(
            "overlay", new java.awt.Color(0x1f77b4), "btrfs", new java.awt.Color(0xff7f0e),
            "devmapper", new java.awt.Color(0x2ca02c), "vfs", new java.awt.Color(0x9467bd),
            "jstore", new java.awt.Color(0x1f77b4));
    private static final java.awt.Color[] GREYS = {
            new java.awt.Color(150, 150, 150), new java.awt.Color(190, 190, 190), new java.awt.Color(120, 120, 120)};

    static CategoryChart chart(Comparison c) {
        double maxNs = 0;
        double minNs = Double.MAX_VALUE;
        for (Comparison.Case k : c.cases()) {
            for (Comparison.Bar b : k.bars()) {
                maxNs = Math.max(maxNs, b.measurement().medianNs());
                minNs = Math.min(minNs, b.measurement().medianNs());
            }
        }
        double unit = maxNs >= 1e9 ? 1e9 : maxNs >= 1e6 ? 1e6 : maxNs >= 1e3 ? 1e3 : 1;
        String unitName = unit == 1e9 ? "s" : unit == 1e6 ? "ms" : unit == 1e3 ? "µs" : "ns";
        boolean log = minNs > 0 && maxNs / minNs > 100;
        List<String> categories = shortLabels(c.cases());
        int width = Math.max(WIDTH, 120 * categories.size() + 300);
        CategoryChart chart = new CategoryChartBuilder().width(width).height(HEIGHT).title(c.question())
                .xAxisTitle("case" + constants(c.cases())).yAxisTitle("median time per operation (" + unitName + ")" + (log ? ", log scale" : ""))
                .build();
        Styler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setYAxisLogarithmic(log);
        // bars start at the axis minimum; on a log axis XChart's default minimum is 0, which it refuses
        if (log) chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(minNs / unit / 3))));
        chart.getStyler().setOverlapped(false);
        if (categories.stream().mapToInt(String::length).max().orElse(0) > 14) chart.getStyler().setXAxisLabelRotation(30);
        // series in one order for every chart (drivers, the reference, the peers), each driver in its own colour
        Map<String, Comparison.Bar> first = new LinkedHashMap<>();
        for (Comparison.Case k : c.cases()) {
            for (Comparison.Bar b : k.bars()) first.putIfAbsent(b.label(), b);
        }
        List<Comparison.Bar> ordered = first.values().stream()
                .sorted(java.util.Comparator.comparing(Comparison.Bar::role).thenComparing(Comparison.Bar::label)).toList();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        List<java.awt.Color> colors = new ArrayList<>();
        int peers = 0;
        for (Comparison.Bar b : ordered) {
            series.put(b.label(), new ArrayList<>());
            colors.add(color(b, b.role() == Role.PEER ? peers++ : 0));
        }
        s.setSeriesColors(colors.toArray(java.awt.Color[]::new));
        for (Map.Entry<String, List<Double>> e : series.entrySet()) {
            for (Comparison.Case k : c.cases()) {
                double v = k.bars().stream().filter(b -> b.label().equals(e.getKey()))
                        .mapToDouble(b -> b.measurement().medianNs() / unit).findFirst().orElse(Double.NaN);
                // a case without this bar: an empty slot (XChart skips nulls), never a fake zero
                e.getValue().add(Double.isNaN(v) ? null : v);
            }
            chart.addSeries(e.getKey(), categories, e.getValue());
        }
        return chart;
    }
}
