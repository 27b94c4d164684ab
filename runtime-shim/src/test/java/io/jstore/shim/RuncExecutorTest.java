package io.jstore.shim;

/** runc from Debian: the oracle for the built-in executor. */
class RuncExecutorTest extends ExecutorContract {
    @Override
    Executor executor() {
        return OciRuntime.named("runc");
    }
}
