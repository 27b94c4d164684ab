package io.jstore.shim;

/** How a container ended: its exit code, or 128 + the signal that killed it; and whether the OOM killer did. */
public record ExitStatus(int code, boolean oomKilled) {
    public boolean signaled() {
        return code > 128;
    }
}
