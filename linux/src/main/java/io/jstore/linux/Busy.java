package io.jstore.linux;

/**
 * Calls the kernel refuses with EBUSY only for a moment, tried again: a mount or device that
 * something holds a reference to briefly (a process copying or dropping a mount namespace, a
 * deferred device removal finishing). What stays busy past the patience fails as before.
 */
public final class Busy {
    private static final long LONGEST_PAUSE_MILLIS = 50;

    public interface Call {
        void run() throws SyscallException;
    }

    private Busy() {}

    /** Runs {@code call} until it does not fail with EBUSY, for up to {@code patienceMillis}. */
    public static void retry(long patienceMillis, Call call) throws SyscallException {
        long deadline = System.nanoTime() + patienceMillis * 1_000_000L;
        for (long pause = 1; ; pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS)) {
            try {
                call.run();
                return;
            } catch (SyscallException e) {
                if (e.errno() != Errno.EBUSY || System.nanoTime() > deadline) throw e;
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException i) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
