package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootedPathTest {
    @TempDir Path tmp;

    private static String readVia(Fd fd) throws Exception {
        return Files.readString(fd.procPath());
    }

    @Test
    void dotDotAndAbsoluteLinksStayInsideTheRoot() throws Exception {
        assertTrue(RootedPath.supported());
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hostname"), "inside");
        Files.createDirectories(root.resolve("a/b"));
        Files.createSymbolicLink(root.resolve("a/b/up"), Path.of("../../../../../etc"));
        Files.createSymbolicLink(root.resolve("abs"), Path.of("/etc/hostname"));
        Files.createSymbolicLink(root.resolve("absdir"), Path.of("/etc"));

        try (Fd r = Fd.open(root, Fd.O_PATH | Fd.O_DIRECTORY)) {
            try (Fd f = RootedPath.open(r, "../../etc/hostname", Fd.O_RDONLY, RootedPath.RESOLVE_IN_ROOT)) {
                assertEquals("inside", readVia(f));
            }
            try (Fd f = RootedPath.open(r, "abs", Fd.O_RDONLY, RootedPath.RESOLVE_IN_ROOT)) {
                assertEquals("inside", readVia(f));
            }
            try (Fd f = RootedPath.open(r, "a/b/up/hostname", Fd.O_RDONLY, RootedPath.RESOLVE_IN_ROOT)) {
                assertEquals("inside", readVia(f));
            }
            try (Fd f = RootedPath.open(r, "/absdir/../../etc/hostname", Fd.O_RDONLY, RootedPath.RESOLVE_IN_ROOT)) {
                assertEquals("inside", readVia(f));
            }
            // the host has /etc/passwd; the root does not, so it is not found rather than escaped to
            SyscallException e = assertThrows(SyscallException.NotFoundException.class,
                    () -> RootedPath.open(r, "../../../etc/passwd", Fd.O_RDONLY, RootedPath.RESOLVE_IN_ROOT));
            assertEquals("openat2(" + root + " -> ../../../etc/passwd): ENOENT (No such file or directory)", e.getMessage());
            // RESOLVE_BENEATH refuses instead of clamping
            SyscallException x = assertThrows(SyscallException.class,
                    () -> RootedPath.open(r, "abs", Fd.O_RDONLY, RootedPath.RESOLVE_BENEATH));
            assertEquals(Errno.EXDEV, x.errno());
        }
    }

    @Test
    void noMagicLinks() throws Exception {
        try (Fd proc = Fd.open(Path.of("/proc/self"), Fd.O_PATH | Fd.O_DIRECTORY)) {
            SyscallException e = assertThrows(SyscallException.class,
                    () -> RootedPath.open(proc, "exe", Fd.O_PATH, RootedPath.RESOLVE_NO_MAGICLINKS));
            assertEquals(Errno.ELOOP, e.errno());
        }
    }
}
