package io.jstore.engine.docker;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 chunked transfer coding, both ways. Go's http client sends a body of unknown length
 * (ApplyDiff's tar) chunked; Diff's tar goes back the same way, because its length is known
 * only once it is written.
 */
final class ChunkedStreams {
    private ChunkedStreams() {}

    /** Reads a chunked body; end of stream after the last chunk and its trailers. */
    static final class In extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        In(InputStream in) {
            this.in = in;
        }

        private boolean next() throws IOException {
            if (done) return false;
            if (left == 0) {
                String size = HttpRequest.line(in);
                if (size == null) throw new HttpException(400, "chunked body ended without its last chunk");
                int semi = size.indexOf(';');
                try {
                    left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new HttpException(400, "bad chunk size: " + size);
                }
                if (left < 0) throw new HttpException(400, "bad chunk size: " + size);
                if (left == 0) {
                    String trailer;
                    do {
                        trailer = HttpRequest.line(in);
                    } while (trailer != null && !trailer.isEmpty());
                    done = true;
                    return false;
                }
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (!next()) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n == -1) throw new HttpException(400, "connection closed inside a chunk");
            left -= n;
            if (left == 0 && !HttpRequest.line(in).isEmpty()) throw new HttpException(400, "chunk not followed by CRLF");
            return n;
        }
    }

    /** Writes each flush-sized piece as one chunk; {@link #finish} writes the last chunk (close does not: a body cut short must look cut short). */
    static final class Out extends FilterOutputStream {
        private final byte[] buf = new byte[64 * 1024];
        private int n;

        Out(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            if (n == buf.length) drain();
            buf[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (n == buf.length) drain();
                int k = Math.min(len, buf.length - n);
                System.arraycopy(b, off, buf, n, k);
                n += k;
                off += k;
                len -= k;
            }
        }

        private void drain() throws IOException {
            if (n == 0) return;
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(buf, 0, n);
            out.write('\r');
            out.write('\n');
            n = 0;
        }

        @Override
        public void flush() throws IOException {
            drain();
            out.flush();
        }

        void finish() throws IOException {
            drain();
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() {
            // the connection's owner closes the socket
        }
    }
}
