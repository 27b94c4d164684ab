package io.jstore.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelaunchTest {
    private static final String LAUNCH = Launch.class.getName();

    @Test
    void theCommandLineComesBackByteForByte() {
        byte[] raw = "java\0-Dx=\u00e9\0run\0".getBytes(StandardCharsets.UTF_8);
        List<String> args = Relaunch.cmdline(raw);
        assertEquals(3, args.size());
        assertEquals("java", args.get(0));
        assertEquals("run", args.get(2));
        assertArrayEquals("-Dx=\u00e9".getBytes(StandardCharsets.UTF_8), args.get(1).getBytes(StandardCharsets.ISO_8859_1),
                "a UTF-8 argument goes back as the bytes it came as");
    }

    @Test
    void theClassPathStartBecomesAJarStartThatRunsHere() {
        List<String> argv = List.of("java", "-Xshare:auto", Relaunch.WANTED, "-cp", "/x/jstore-cli.jar", LAUNCH,
                "run", "--rm", "-cp", "bb:1", LAUNCH);
        assertEquals(List.of("java", "-Xshare:auto", Relaunch.LOCAL, "-jar", "/x/jstore-cli.jar",
                "run", "--rm", "-cp", "bb:1", LAUNCH), Relaunch.withManifest(argv));
    }

    @Test
    void optionsBeforeItMayTakeTheirValueSeparately() {
        assertEquals(List.of("java", "--add-opens", "java.base/java.lang=ALL-UNNAMED", Relaunch.LOCAL, "-jar", "j.jar", "run"),
                Relaunch.withManifest(List.of("java", "--add-opens", "java.base/java.lang=ALL-UNNAMED", Relaunch.WANTED,
                        "-cp", "j.jar", LAUNCH, "run")));
    }

    @Test
    void withoutTheLaunchersMarkItIsNotOneToRelaunch() {
        assertNull(Relaunch.withManifest(List.of("java", "-cp", "j.jar", LAUNCH, "run")));
    }

    @Test
    void aJarStartIsNotOneToRelaunch() {
        assertNull(Relaunch.withManifest(List.of("java", "-jar", "j.jar", "run", "-cp", "x", LAUNCH)));
        assertNull(Relaunch.withManifest(List.of("java", "-jar", "j.jar", "run", Relaunch.WANTED, "-cp", "x")));
    }
}
