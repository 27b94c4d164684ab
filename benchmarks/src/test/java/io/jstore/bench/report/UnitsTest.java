package io.jstore.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void timesPickAUnitAndKeepThreeSignificantDigits() {
        assertEquals("11.0 ns", Units.time(11));
        assertEquals("5.38 µs", Units.time(5380));
        assertEquals("996 µs", Units.time(996_000));
        assertEquals("1.50 ms", Units.time(1_500_000));
        assertEquals("2.00 s", Units.time(2e9));
        assertEquals("–", Units.time(Double.NaN));
    }

    @Test
    void ratiosKeepSmallValuesReadable() {
        assertEquals("0.0140×", Units.ratio(0.014));
        assertEquals("287×", Units.ratio(287.4));
        assertEquals("1.00×", Units.ratio(1));
        assertEquals("–", Units.ratio(Double.NaN));
        assertEquals("–", Units.ratio(Double.POSITIVE_INFINITY));
    }

    @Test
    void jmhTimeUnitsConvertToNanoseconds() {
        assertEquals(1e3, Measurement.nanosPer("us/op"));
        assertEquals(1e9, Measurement.nanosPer("s/op"));
        assertThrows(IllegalArgumentException.class, () -> Measurement.nanosPer("ops/s"));
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2, JmhResults.median(new double[] {1, 2, 9}));
        assertEquals(2.5, JmhResults.median(new double[] {1, 2, 3, 9}));
    }
}
