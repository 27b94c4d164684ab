package io.jstore.driver.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.driver.Driver;
import io.jstore.driver.DriverException;
import io.jstore.driver.DriverProvider;
import io.jstore.driver.Probe;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** The suite of a driver that cannot run here aborts (skips) with the probe's own reason. */
class ConformanceSkipTest {
    private static final String REASON = "home is tmpfs, this driver needs a unicorn";

    @Test
    void aDriverItsProbeRefusesIsSkippedWithTheProbesReason(@Scratch(type = FsType.TMPFS, sizeMiB = 16) ScratchFilesystem fs) {
        DriverProvider refusing = new DriverProvider() {
            @Override
            public String name() {
                return "unicorn";
            }

            @Override
            public Probe probe(Path home) {
                return Probe.no(REASON);
            }

            @Override
            public Driver open(Path home, Map<String, String> options) throws DriverException {
                throw new AssertionError("opened although the probe refused");
            }
        };
        DriverConformance suite = new DriverConformance(refusing, fs) {};
        TestAbortedException e = assertThrows(TestAbortedException.class, suite::probe);
        assertTrue(e.getMessage().contains(REASON), e.getMessage());
    }
}
