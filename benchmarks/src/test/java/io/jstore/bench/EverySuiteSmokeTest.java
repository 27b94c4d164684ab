package io.jstore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.bench.report.Comparison;
import io.jstore.bench.report.Comparisons;
import io.jstore.bench.report.JmhResults;
import io.jstore.bench.report.Report;
import io.jstore.bench.report.Role;
import io.jstore.driver.DriverProvider;
import io.jstore.driver.Drivers;
import io.jstore.linux.testing.Root;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every suite once in the smoke profile with one driver (vfs when present: the cheapest), so a
 * suite that rots fails the build; ~30 s on 2 cores. Asserts only that every question was
 * either measured beside its reference or skipped (or failed) with a reason, never a timing.
 */
class EverySuiteSmokeTest {
    @Test
    void everyQuestionIsMeasuredBesideItsReferenceOrSkippedWithAReason(@TempDir Path out) throws Exception {
        Root.assumeRoot();
        List<String> all = Drivers.all().stream().map(DriverProvider::name).toList();
        List<String> one = all.contains("vfs") ? List.of("vfs") : all.stream().limit(1).toList();
        List<String> suites = Suites.ALL.stream().map(Class::getSimpleName).filter(n -> !n.equals("GraphBench")).toList();
        StringWriter progress = new StringWriter();
        BenchRunner.run(new BenchPlan(Profile.SMOKE, one, false, suites, out), new PrintWriter(progress));

        List<Comparison> cs = Comparisons.of(JmhResults.read(out.resolve(Report.JMH_JSON)),
                Skips.read(out.resolve(Report.SKIPS)));
        List<String> questions = suites.stream().map(Suites::named)
                .flatMap(c -> Suites.benchmarks(c).stream().filter(m -> m.isAnnotationPresent(Subject.class))
                        .map(m -> c.getName() + "." + m.getName())).toList();
        assertEquals(questions.stream().sorted().toList(), cs.stream().map(Comparison::key).sorted().toList(), progress.toString());
        for (Comparison c : cs) {
            Stream<Comparison.Bar> bars = c.cases().stream().flatMap(k -> k.bars().stream());
            assertTrue(c.cases().stream().allMatch(k -> k.reference().isPresent()), c.key() + " has its reference\n" + progress);
            boolean subjectMeasured = bars.anyMatch(b -> b.role() == Role.SUBJECT);
            assertTrue(subjectMeasured || !c.skips().isEmpty(), c.key() + ": neither measured nor skipped\n" + progress);
            c.skips().forEach(s -> assertFalse(s.reason().isBlank(), s.toString()));
        }
        String md = Files.readString(out.resolve("report.md"));
        for (Comparison c : cs) assertTrue(md.contains("## " + c.question()), c.question());
        // the bench's own code must not fail; a driver or executor that fails is a finding, shown with its error
        for (Skips.Skip s : Skips.read(out.resolve(Report.SKIPS))) {
            if (s.benchmark().endsWith("Reference")) assertFalse(s.reason().startsWith("failed: "), s.toString());
        }
    }
}
