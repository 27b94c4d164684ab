package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyscallExceptionTest {
    @Test
    void oneLineWithCallErrnoAndPaths() {
        SyscallException e = SyscallException.of("mount", Errno.EINVAL, "overlay", Path.of("/x/merged"));
        assertEquals("mount(overlay -> /x/merged): EINVAL (Invalid argument)", e.getMessage());
        assertEquals("mount", e.call());
        assertEquals("EINVAL", e.errnoName());
        assertEquals(List.of(Path.of("overlay"), Path.of("/x/merged")), e.paths());
        assertEquals("syncfs: EIO (Input/output error)", SyscallException.of("syncfs", 5).getMessage());
    }

    @Test
    void errnoPicksTheTypeAlsoWithADetail() {
        assertInstanceOf(SyscallException.NoSpaceException.class, SyscallException.of("write", Errno.ENOSPC, "/f"));
        assertInstanceOf(SyscallException.NoSpaceException.class, SyscallException.of("write", Errno.EDQUOT, "/f"));
        assertInstanceOf(SyscallException.BusyException.class, SyscallException.of("umount2", Errno.EBUSY, "/m"));
        assertInstanceOf(SyscallException.ExistsException.class, SyscallException.of("rmdir", Errno.ENOTEMPTY, "/d"));
        assertInstanceOf(SyscallException.PermissionException.class, SyscallException.of("open", Errno.EACCES, "/f"));
        assertInstanceOf(SyscallException.NotSupportedException.class, SyscallException.of("ioctl", Errno.EXDEV, "/a"));
        SyscallException d = SyscallException.withDetail("fsconfig(lowerdir+)", Errno.ENOENT, "e overlay: no such layer", "overlay");
        assertInstanceOf(SyscallException.NotFoundException.class, d);
        assertEquals("fsconfig(lowerdir+)(overlay): ENOENT (No such file or directory): e overlay: no such layer", d.getMessage());
        assertEquals("E4095", Errno.name(4095));
    }
}
