package io.jstore.layer;

import io.jstore.linux.Fd;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The layer writer's buffer: one direct buffer that tar headers are copied into and file
 * content is read into straight from the page cache. A {@link FileOutputStream} target (a file
 * or a pipe) is written through its channel, and large files go to it by {@code sendfile}
 * without passing through the JVM at all; any other stream gets the buffer copied to a heap
 * array once per megabyte. Closing flushes; the target stays open.
 */
final class LayerOutput extends OutputStream {
    private static final int BUFFER = 1 << 20;
    /** Below this a file is read into the buffer with its neighbours: one flush for many small files beats a sendfile each. */
    static final long TRANSFER_MIN = 256 << 10;

    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    private final OutputStream stream;
    private final FileChannel channel;
    private byte[] heap;

    LayerOutput(OutputStream out) {
        this.stream = out;
        this.channel = out instanceof FileOutputStream f ? f.getChannel() : null;
    }

    @Override
    public void write(int b) throws IOException {
        if (!buf.hasRemaining()) drain();
        buf.put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (!buf.hasRemaining()) drain();
            int n = Math.min(len, buf.remaining());
            buf.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    /** Appends at most {@code max} bytes read from {@code in} at its offset; -1 at its end. */
    int readFrom(Fd in, long max) throws IOException {
        if (!buf.hasRemaining()) drain();
        int limit = buf.limit();
        buf.limit((int) Math.min(limit, buf.position() + max));
        try {
            return in.read(buf);
        } finally {
            buf.limit(limit);
        }
    }

    /** Whether {@link #transferFrom} can move file data kernel to kernel. */
    boolean canTransfer() {
        return channel != null;
    }

    /** Appends up to {@code count} bytes of {@code in} from {@code position} by sendfile; 0 at its end. */
    long transferFrom(FileChannel in, long position, long count) throws IOException {
        drain();
        return in.transferTo(position, count, channel);
    }

    private void drain() throws IOException {
        buf.flip();
        if (channel != null) {
            while (buf.hasRemaining()) channel.write(buf);
        } else if (buf.hasRemaining()) {
            if (heap == null) heap = new byte[BUFFER];
            int n = buf.remaining();
            buf.get(heap, 0, n);
            stream.write(heap, 0, n);
        }
        buf.clear();
    }

    @Override
    public void flush() throws IOException {
        drain();
        if (channel == null) stream.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
