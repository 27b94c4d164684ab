package io.jstore.bench.report;

import java.util.Locale;

/** How times and ratios are printed: three significant digits, a unit that fits. */
public final class Units {
    private Units() {}

    public static String time(double ns) {
        if (Double.isNaN(ns)) return "–";
        double a = Math.abs(ns);
        if (a >= 1e9) return fmt(ns / 1e9) + " s";
        if (a >= 1e6) return fmt(ns / 1e6) + " ms";
        if (a >= 1e3) return fmt(ns / 1e3) + " µs";
        return fmt(ns) + " ns";
    }

    public static String ratio(double r) {
        if (Double.isNaN(r) || Double.isInfinite(r)) return "–";
        return fmt(r) + "×";
    }

    /** Three significant digits, no exponent: 0.00123, 1.23, 12.3, 1234. */
    static String fmt(double v) {
        double a = Math.abs(v);
        if (a == 0) return "0";
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
        int decimals = 2 - (int) Math.floor(Math.log10(a));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
