package io.jstore.shim;

/** crun, where it is installed and accepts the host's cgroup layout (its probe says why not). */
class CrunExecutorTest extends ExecutorContract {
    @Override
    Executor executor() {
        return OciRuntime.named("crun");
    }
}
