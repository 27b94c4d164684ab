package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** unshare, setns, sethostname and pivot_root, exercised in a child JVM ({@link NamespacesChild}). */
class NamespacesTest {
    @Test
    void childPivotsIntoATmpfsUnderItsOwnHostname(@Scratch(type = FsType.TMPFS, sizeMiB = 16) ScratchFilesystem fs)
            throws Exception {
        String hostBefore = Namespaces.hostname();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, NamespacesChild.class.getName(), fs.root().toString()))
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        assertEquals(0, p.exitValue(), out);
        Map<String, String> seen = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) seen.put(line.substring(0, eq), line.substring(eq + 1));
        }
        assertEquals("jstore-child", seen.get("hostname"), out);
        assertEquals("true", seen.get("restored"), "setns back to the saved UTS namespace: " + out);
        assertEquals("EINVAL", seen.get("newuser"), "a multi-threaded process cannot unshare a user namespace");
        assertEquals("true", seen.get("cwd-moved"), out);
        assertEquals("in the new root", seen.get("marker"), out);
        assertEquals("tmpfs", seen.get("rootfs"), out);
        assertEquals("true", seen.get("proc"), "the old root is under put_old: " + out);
        assertEquals("true", seen.get("old-empty"), out);

        // and none of it reached this JVM
        assertEquals(hostBefore, Namespaces.hostname());
        assertFalse(MountInfo.isMountPoint(fs.root().resolve("newroot")));
    }

    @Test
    void errorsNameTheCall() {
        SyscallException e = org.junit.jupiter.api.Assertions.assertThrows(SyscallException.class,
                () -> Namespaces.pivotRoot(Path.of("/var/tmp/jstore-none"), Path.of("/var/tmp/jstore-none/old")));
        assertEquals("pivot_root(/var/tmp/jstore-none -> /var/tmp/jstore-none/old): ENOENT (No such file or directory)",
                e.getMessage());
    }
}
