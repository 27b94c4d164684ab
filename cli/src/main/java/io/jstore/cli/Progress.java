package io.jstore.cli;

import io.jstore.graph.image.ImportProgress;
import io.jstore.linux.Terminal;
import java.io.PrintWriter;

/**
 * Import progress on a terminal: one line rewritten in place (layer i/n, bytes read of the
 * blob). Nothing when stderr is not a terminal, so pipes and logs stay clean: the question is
 * asked of stderr itself, since {@code System.console()} answers for stdin and stdout (a
 * terminal user's {@code 2>log} would fill the log with redraws, and {@code | jq} would hide
 * the progress).
 */
final class Progress implements ImportProgress {
    private final PrintWriter err;
    private int index;
    private int total;
    private String digest = "";
    private long size;
    private long read;
    private long lastShown = -1;

    Progress(PrintWriter err) {
        this.err = err;
    }

    /** A display on {@code err} (the command's stderr) when this process's stderr is a terminal, else none. */
    static ImportProgress onStderr(PrintWriter err) {
        return Terminal.is(Terminal.STDERR) ? new Progress(err) : ImportProgress.NONE;
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
