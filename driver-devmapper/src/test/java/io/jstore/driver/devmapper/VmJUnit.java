package io.jstore.driver.devmapper;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.engine.TestExecutionResult;

/**
 * Runs test classes with the JUnit Platform and exits 0 only if every test ran and passed:
 * inside the test VM a skipped test is a failure, since the VM exists to run it.
 * {@code java -cp TESTCLASSPATH io.jstore.driver.devmapper.VmJUnit CLASS|CLASS#METHOD...}
 */
public final class VmJUnit {
    private VmJUnit() {}

    public static void main(String[] args) {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (String c : args) request.selectors(c.contains("#") ? selectMethod(c) : selectClass(c));
        LauncherDiscoveryRequest r = request.build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        TestExecutionListener progress = new TestExecutionListener() {
            // per test, so the VM's log shows where its minutes go
            private final Map<String, Long> started = new ConcurrentHashMap<>();

            @Override
            public void executionStarted(TestIdentifier id) {
                started.put(id.getUniqueId(), System.nanoTime());
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                System.out.println("VM-TEST SKIPPED " + id.getDisplayName() + ": " + reason);
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest()) return;
                long ms = (System.nanoTime() - started.getOrDefault(id.getUniqueId(), System.nanoTime())) / 1_000_000;
                System.out.println("VM-TEST " + result.getStatus() + " " + id.getDisplayName() + " (" + ms + " ms)"
                        + result.getThrowable().map(t -> ": " + t).orElse(""));
            }
        };
        launcher.execute(r, summary, progress);
        TestExecutionSummary s = summary.getSummary();
        s.printFailuresTo(new PrintWriter(System.out, true), 30);
        System.out.printf("VM-TEST SUMMARY found=%d succeeded=%d failed=%d aborted=%d skipped=%d%n",
                s.getTestsFoundCount(), s.getTestsSucceededCount(), s.getTotalFailureCount(),
                s.getTestsAbortedCount(), s.getTestsSkippedCount());
        // a class-level failure (a fixture left behind) counts though no test failed
        boolean ok = s.getTestsFoundCount() > 0 && s.getTestsSucceededCount() == s.getTestsFoundCount()
                && s.getTotalFailureCount() == 0;
        System.exit(ok ? 0 : 1);
    }
}
