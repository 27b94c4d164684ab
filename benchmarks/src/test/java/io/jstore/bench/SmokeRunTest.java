package io.jstore.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstore.bench.report.Comparison;
import io.jstore.bench.report.Comparisons;
import io.jstore.bench.report.JmhResults;
import io.jstore.bench.report.Measurement;
import io.jstore.bench.report.Report;
import io.jstore.bench.report.Role;
import io.jstore.linux.testing.Root;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real smoke run of the graph-db suite (a few seconds: each benchmark once, briefly, in this
 * JVM), then checks of what the report made of JMH's JSON. Timings are never asserted; the
 * ratios are checked against the raw samples of the same file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmokeRunTest {
    @TempDir
    static Path out;

    String progress;

    @BeforeAll
    void run() throws Exception {
        Root.assumeRoot();
        StringWriter w = new StringWriter();
        BenchRunner.run(new BenchPlan(Profile.SMOKE, List.of(), false, List.of("GraphBench"), out), new PrintWriter(w));
        progress = w.toString();
    }

    @Test
    void everyBenchmarkOfTheSuiteProducedAResult() throws Exception {
        List<Measurement> ms = JmhResults.read(out.resolve(Report.JMH_JSON));
        List<String> expected = Suites.benchmarks(Suites.named("GraphBench")).stream()
                .map(m -> Suites.named("GraphBench").getName() + "." + m.getName()).sorted().toList();
        assertEquals(expected, ms.stream().map(Measurement::benchmark).sorted().toList(), progress);
        for (Measurement m : ms) {
            assertTrue(m.medianNs() > 0 && m.minNs() <= m.medianNs() && m.medianNs() <= m.maxNs(), m.toString());
            assertEquals("1000", m.params().get("layers"), "the smoke profile narrows layers to 10^3");
        }
        assertTrue(progress.contains("[8/8] GraphBench."), progress);
    }

    @Test
    void ratiosDivideTheSubjectsMedianByTheReferencesOfTheSameRun() throws Exception {
        // the medians, straight from JMH's rawData, without the report's code
        JsonNode root = new ObjectMapper().readTree(out.resolve(Report.JMH_JSON).toFile());
        List<Comparison> cs = Comparisons.of(JmhResults.read(out.resolve(Report.JMH_JSON)), List.of());
        assertEquals(List.of("chain", "insert", "lookup", "open"),
                cs.stream().map(c -> c.key().substring(c.key().lastIndexOf('.') + 1)).sorted().toList());
        for (Comparison c : cs) {
            String subject = c.key();
            assertEquals(1, c.cases().size(), c.key());
            Comparison.Case k = c.cases().get(0);
            assertEquals("fs=xfs layers=1000", k.label());
            Comparison.Bar s = k.bars().stream().filter(b -> b.role() == Role.SUBJECT).findFirst().orElseThrow();
            Comparison.Bar r = k.reference().orElseThrow();
            double expected = rawMedianNs(root, subject) / rawMedianNs(root, subject + "Reference");
            assertEquals(expected, s.ratio(), expected * 1e-9, c.key());
            assertEquals(1.0, r.ratio(), 1e-12);
            assertTrue(r.label().startsWith("reference"), r.label());
        }
    }

    @Test
    void reportHasEveryQuestionAPngChartAndKeepsJmhsJson() throws Exception {
        String md = Files.readString(out.resolve("report.md"));
        String html = Files.readString(out.resolve("report.html"));
        for (Comparison c : Comparisons.of(JmhResults.read(out.resolve(Report.JMH_JSON)), List.of())) {
            assertTrue(md.contains("## " + c.question()), c.question());
            assertTrue(html.contains("<h2>" + c.question() + "</h2>"), c.question());
            Path png = out.resolve(Report.chartPath(c));
            byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, png.toString());
            assertTrue(md.contains("](" + Report.chartPath(c) + ")"), "report.md links " + png);
        }
        assertTrue(md.contains("[" + Report.JMH_JSON + "]"));
        assertFalse(md.contains("NaN"), md);
    }

    @Test
    void skipsLandUnderTheirQuestionWithTheReason() throws Exception {
        List<Measurement> ms = JmhResults.read(out.resolve(Report.JMH_JSON));
        String lookup = graphBench() + ".lookup";
        Skips.Skip skip = new Skips.Skip(lookup, java.util.Map.of("driver", "btrfs", "fs", "xfs"), "home is xfs, btrfs needs btrfs");
        Comparison c = Comparisons.of(ms, List.of(skip)).stream().filter(x -> x.key().equals(lookup)).findFirst().orElseThrow();
        assertEquals(List.of(skip), c.skips());
        Path dir = Files.createDirectories(out.resolve("with-skip"));
        Files.copy(out.resolve(Report.JMH_JSON), dir.resolve(Report.JMH_JSON));
        Skips.append(dir.resolve(Report.SKIPS), skip);
        Report.read(dir, "test", List.of("fact")).write(dir);
        assertTrue(Files.readString(dir.resolve("report.md")).contains("- btrfs (fs=xfs): home is xfs, btrfs needs btrfs"));
    }

    @Test
    void executorAndVariantNameTheBarNotTheCase() throws Exception {
        List<Measurement> ms = new ArrayList<>();
        for (Measurement m : JmhResults.read(out.resolve(Report.JMH_JSON))) {
            boolean subject = !m.method().endsWith("Reference");
            java.util.Map<String, String> p = new java.util.TreeMap<>(m.params());
            if (subject) {
                p.put("executor", "runc");
                p.put("variant", "ephemeral");
            }
            ms.add(new Measurement(m.benchmark(), p, m.mode(), m.scoreNs(), m.errorNs(), m.medianNs(), m.minNs(),
                    m.maxNs(), m.samples()));
        }
        for (Comparison c : Comparisons.of(ms, List.of())) {
            assertEquals(1, c.cases().size(), c.key());
            Comparison.Case k = c.cases().get(0);
            assertEquals("fs=xfs layers=1000", k.label());
            Comparison.Bar s = k.bars().stream().filter(b -> b.role() == Role.SUBJECT).findFirst().orElseThrow();
            assertEquals("jstore runc ephemeral", s.label());
            assertFalse(Double.isNaN(s.ratio()), "the subject still has its reference");
        }
    }

    private static String graphBench() {
        return Suites.named("GraphBench").getName();
    }

    private static double rawMedianNs(JsonNode root, String benchmark) {
        for (JsonNode b : root) {
            if (!b.path("benchmark").asText().equals(benchmark)) continue;
            assertEquals("us/op", b.path("primaryMetric").path("scoreUnit").asText());
            List<Double> v = new ArrayList<>();
            b.path("primaryMetric").path("rawData").forEach(f -> f.forEach(x -> v.add(x.asDouble())));
            v.sort(null);
            double m = v.size() % 2 == 1 ? v.get(v.size() / 2) : (v.get(v.size() / 2 - 1) + v.get(v.size() / 2)) / 2;
            return m * 1e3;
        }
        throw new AssertionError("no " + benchmark + " in the JSON");
    }
}
