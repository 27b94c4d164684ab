package io.jstore.cli;

import io.jstore.graph.image.ImportProgress;
import java.io.PrintStream;

/**
 * Import progress on a terminal: one line rewritten in place (layer i/n, bytes read of the
 * blob). Nothing when stderr is not a terminal, so pipes and logs stay clean.
 */
final class Progress implements ImportProgress {
    private final PrintStream err;
    private int index;
    private int total;
    private String digest = "";
    private long size;
    private long read;
    private long lastShown = -1;

    private Progress(PrintStream err) {
        this.err = err;
    }

    /** A display on stderr when this process has a terminal, else none. */
    static ImportProgress forTerminal() {
        return System.console() != null ? new Progress(System.err) : ImportProgress.NONE;
    }

    @Override
    public void layer(int index, int total, String digest, long size) {
        this.index = index;
        this.total = total;
        this.digest = Output.shortId(digest);
        this.size = size;
        this.read = 0;
        show();
    }

    @Override
    public void bytes(long n) {
        read += n;
        // Redraw per MiB, not per read: a terminal write per 8 KiB would cost more than the import.
        if (read - lastShown >= 1 << 20) show();
    }

    @Override
    public void done() {
        if (lastShown >= 0) err.print("\r\033[K");
        err.flush();
    }

    private void show() {
        lastShown = read;
        err.printf("\r\033[Klayer %d/%d %s  %s%s", index + 1, total, digest, Output.bytes(read),
                size > 0 ? " / " + Output.bytes(size) : "");
        err.flush();
    }
}
