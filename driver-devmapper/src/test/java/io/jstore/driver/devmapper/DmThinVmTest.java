package io.jstore.driver.devmapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.testing.Root;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link DmThinPoolTest}, {@link DmThinDriverTest} and the conformance cases
 * {@link DevmapperOnDmThinTest#IN_VM} names where this kernel cannot: inside
 * a VM booted with Debian's kernel, which has device-mapper ({@code scripts/vm/run.sh}; qemu
 * in software emulation).
 * The VM sees the host's root read-only, so it runs this very test class path.
 */
class DmThinVmTest {
    private static final long TIMEOUT_MINUTES = 20;

    @Test
    void dmThinPoolTestPassesInTheVm() throws Exception {
        Root.assumeRoot();
        Assumptions.assumeTrue(DmThinPool.whyNot().isPresent(), "device-mapper is here: DmThinPoolTest ran directly");
        Path project = Path.of("").toAbsolutePath().getParent();
        Path run = project.resolve("scripts/vm/run.sh");
        Assumptions.assumeTrue(Files.isExecutable(run), run + " is missing");
        Assumptions.assumeTrue(Root.tool("qemu-system-x86_64").isPresent(),
                "qemu-system-x86_64 is not installed (scripts/setup.sh installs it)");

        // surefire runs the launcher from its own class path and leaves it out of the test's
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                + java.io.File.pathSeparator + Path.of(org.junit.platform.launcher.core.LauncherFactory.class
                        .getProtectionDomain().getCodeSource().getLocation().toURI());
        Path script = Path.of("target", "dm-thin-vm.sh").toAbsolutePath();
        Files.createDirectories(script.getParent());
        // the class path goes in a file: the kernel command line is too short for it
        Files.writeString(script, "exec " + Path.of(System.getProperty("java.home"), "bin", "java")
                + " -XX:-UsePerfData -XX:TieredStopAtLevel=1 -Xmx512m"
                + " --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED"
                + " -cp '" + cp + "' " + VmJUnit.class.getName() + " " + DmThinPoolTest.class.getName()
                + " " + DmThinDriverTest.class.getName() + conformanceSelectors() + "\n");
        Process vm = new ProcessBuilder(run.toString(), script.toString()).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        Thread pump = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(vm.getInputStream()))) {
                for (String line; (line = in.readLine()) != null; ) {
                    System.out.println("vm| " + line);
                    out.append(line).append('\n');
                }
            } catch (java.io.IOException e) {
                out.append("reading the VM's output: ").append(e);
            }
        });
        pump.start();
        if (!vm.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            vm.destroyForcibly();
            pump.join();
            throw new AssertionError("the VM did not finish in " + TIMEOUT_MINUTES + " minutes:\n" + out);
        }
        pump.join();
        assertTrue(out.toString().contains("VM-TEST SUMMARY"), "the tests did not run in the VM:\n" + out);
        assertEquals(0, vm.exitValue(), "dm-thin tests in the VM:\n" + out);
    }

    private static String conformanceSelectors() {
        StringBuilder sb = new StringBuilder();
        for (String m : DevmapperOnDmThinTest.IN_VM) sb.append(' ').append(DevmapperOnDmThinTest.class.getName()).append('#').append(m);
        return sb.toString();
    }
}
