package io.jstore.linux;

import java.lang.reflect.Field;
import java.nio.file.Path;
import jnr.ffi.Pointer;

/**
 * The start of a file mapped read-only and shared, so other processes' writes to it show at
 * once: for words another program keeps in a file it maps itself (LMDB's lock file). Unlike a
 * {@code MappedByteBuffer}, which lets go of its file only when the collector frees it (until
 * then the file's filesystem cannot be unmounted), {@link #close} releases the file at once. It
 * maps zeroed anonymous memory over the same addresses in one step, so a reader racing close
 * reads zeros, never an unmapped page.
 *
 * <p>It maps from a descriptor the caller opened and keeps, and opens none of its own: POSIX drops
 * every record lock a process holds on a file when the process closes any descriptor of that file.
 * LMDB marks its lock file in use with such a lock, and a store whose mark is gone is one the next
 * process to open it believes unused: it resets the writer mutex and reader table under this one.
 */
public final class SharedMapping implements AutoCloseable {
    private static final int SEEK_END = 2;
    private static final int PROT_READ = 1;
    private static final int MAP_SHARED = 0x01;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_FIXED = 0x10;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private final long address;
    private final long length;
    private final String description;
    private boolean closed;

    private SharedMapping(long address, long length, String description) {
        this.address = address;
        this.length = length;
        this.description = description;
    }

    /**
     * Maps the first {@code length} bytes of the file open as {@code file}, which must have at
     * least that many. The descriptor stays the caller's; the mapping does not need it open.
     */
    public static SharedMapping map(Fd file, long length) throws SyscallException {
        long size = Library.LIBC.lseek(file.number(), 0, SEEK_END);
        if (size < 0) throw SyscallException.last("lseek", file.description());
        // a read past the file's end would be SIGBUS, not an exception
        if (size < length) throw SyscallException.withDetail("mmap", Errno.EINVAL, "shorter than " + length + " bytes", file.description());
        Pointer p = Library.LIBC.mmap(null, length, PROT_READ, MAP_SHARED, file.number(), 0);
        if (failed(p)) throw SyscallException.last("mmap", file.description());
        return new SharedMapping(p.address(), length, file.description());
    }

    public int getInt(int offset) {
        return UNSAFE.getInt(at(offset, 4));
    }

    /** The word at {@code offset} as it is in memory now, as a volatile read. */
    public long getLongVolatile(int offset) {
        return UNSAFE.getLongVolatile(null, at(offset, 8));
    }

    private long at(int offset, int size) {
        if (offset < 0 || offset + size > length) throw new IndexOutOfBoundsException(offset + " in " + length + " bytes of " + description);
        return address + offset;
    }

    /** Lets go of the file; later reads see zeros. */
    @Override
    public synchronized void close() throws SyscallException {
        if (closed) return;
        Pointer at = Library.RUNTIME.getMemoryManager().newPointer(address);
        if (failed(Library.LIBC.mmap(at, length, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0))) throw SyscallException.last("mmap(MAP_FIXED) over", description);
        closed = true;
    }

    private static boolean failed(Pointer p) {
        return p == null || p.address() == -1; // MAP_FAILED
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
