package io.jstore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.cli.ServiceRunTest.Result;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packaged command as the launcher starts it: {@code java -jar target/jstore-cli.jar}, with no
 * {@code --add-opens} on the command line (they would cost every start, the thin client's too,
 * the JDK's archived module graph). lmdbjava's opens come from the jar's manifest
 * ({@code Add-Opens}): a service started so opens its store; a client it serves runs; a run it
 * declines (stdout a file opened without O_APPEND) runs in the client's own JVM, whose LMDB needs
 * the opens. The same declined run started with {@code -cp}, where no manifest counts, fails on
 * lmdbjava's reflection: without the manifest's opens this test fails. Runs after {@code package}
 * (the jar and its {@code lib/}), in the integration-test phase.
 */
class PackagedJarIT {
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    private static Path jar() {
        Path jar = Path.of(System.getProperty("jstore.cli.jar", "target/jstore-cli.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " is built before this test runs");
        return jar;
    }

    /** {@code jstore ARGS} as the launcher runs it, its class loading logged to {@code classes}. */
    private static List<String> packaged(Path classes, String... args) {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-Xlog:class+load:file=" + classes,
                "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Result run(List<String> cmd, Redirect stdout) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectInput(Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(stdout).start();
        return ServiceRunTest.finish(p);
    }

    @Test
    void theJarsManifestGivesLmdbjavaItsOpensWithoutTheCommandLine(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        Root.assumeRoot();
        Path root = fs.root().resolve("store");
        Path classes = fs.root().resolve("classes.log");
        Result imp = ServiceRunTest.inProcess(root, "image", "import", "--driver", "overlay",
                RunCommandTest.busybox(fs.root().resolve("bb")).toString(), "--name", "bb:1");
        assertEquals(0, imp.code(), imp.err());
        Path log = fs.root().resolve("serve.log");
        Process service = ServiceRunTest.serve(packaged(fs.root().resolve("serve.classes"), "serve", "--verbose",
                "--root", root.toString()), root, log);
        Path out = fs.root().resolve("out.txt");
        try {
            Result served = run(packaged(classes, "run", "--root", root.toString(), "--rm", "bb:1", "echo", "served"),
                    Redirect.PIPE);
            assertEquals(0, served.code(), served.err());
            assertEquals("served\n", served.out());
            assertFalse(ServiceRunTest.ranInProcess(classes), () -> "the service ran it: " + ServiceRunTest.read(log));

            // a new open of a file the client has at its own offset would not write where the client does
            Result declined = run(packaged(classes, "run", "--root", root.toString(), "--rm", "bb:1", "echo", "here"),
                    Redirect.to(out.toFile()));
            assertEquals(0, declined.code(), declined.err());
            assertEquals("here\n", Files.readString(out));
            assertTrue(ServiceRunTest.ranInProcess(classes), "the client ran it itself");
            assertTrue(ServiceRunTest.read(log).contains("left to client"), ServiceRunTest.read(log));

            // the control: the same run from the jar on a plain class path, where Add-Opens does not count
            Path lib = jar().resolveSibling("lib");
            List<String> plain = List.of(JAVA, "-XX:TieredStopAtLevel=1", "-cp", jar() + ":" + lib + "/*",
                    Launch.class.getName(), "run", "--root", root.toString(), "--rm", "bb:1", "echo", "here");
            Result refused = run(plain, Redirect.to(out.toFile()));
            assertNotEquals(0, refused.code());
            assertTrue(refused.err().contains("does not \"opens java.nio\""), refused.err());

            // as the launcher starts a run whose service listens: without the manifest, served so
            String library = System.getProperty(ClientLibrary.PROPERTY);
            assertTrue(library != null && Files.isRegularFile(Path.of(library)), "the build made " + library);
            List<String> withoutManifest = List.of(JAVA, "-XX:TieredStopAtLevel=1", "-Xlog:class+load:file=" + classes,
                    "-D" + ClientLibrary.PROPERTY + "=" + library, Relaunch.WANTED, "-cp", jar().toString(),
                    Launch.class.getName(), "run", "--root", root.toString(), "--rm", "bb:1", "echo");
            List<String> servedArgs = new ArrayList<>(withoutManifest);
            servedArgs.add("served again");
            Result servedAgain = run(servedArgs, Redirect.PIPE);
            assertEquals(0, servedAgain.code(), servedAgain.err());
            assertEquals("served again\n", servedAgain.out());
            assertFalse(ServiceRunTest.ranInProcess(classes), () -> "the service ran it: " + ServiceRunTest.read(log));
            // declined, it starts again as -jar, and LMDB has its opens
            List<String> declinedArgs = new ArrayList<>(withoutManifest);
            declinedArgs.add("started again");
            Path again = fs.root().resolve("again.txt");
            Result relaunched = run(declinedArgs, Redirect.to(again.toFile()));
            assertEquals(0, relaunched.code(), relaunched.err());
            assertEquals("started again\n", Files.readString(again));
        } finally {
            service.destroyForcibly().waitFor();
        }
        assertEquals(1, ServiceRunTest.inProcess(root, "ps", "-a").out().lines().count(), "no container left");
    }

    @Test
    void theManifestNamesEveryJarOfLib() throws IOException {
        Path jar = jar();
        List<String> named;
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
            named = List.of(j.getManifest().getMainAttributes().getValue("Class-Path").split(" "));
        }
        List<String> present;
        try (var files = Files.list(jar.resolveSibling("lib"))) {
            present = files.map(f -> "lib/" + f.getFileName()).sorted().toList();
        }
        assertEquals(present, named.stream().sorted().toList(), "what -jar puts on the class path is what lib/ holds");
    }
}
