package io.jstore.cli;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The wire between a {@code jstore run} client and {@code jstore serve}'s CLI socket
 * ({@code <root>/jstore.sock}). The client sends one request (its argv, environment, cwd and
 * pid: the service opens the client's stdio as {@code /proc/PID/fd/0,1,2}), then
 * {@link #SIGNAL} frames for the signals it receives. The service answers {@link #DECLINED}
 * (the client then runs the command itself, nothing was done) or {@link #ACCEPTED}, and after
 * that one {@link #EXIT} with the command's exit code. Both sides load this class: the client
 * must stay small, so it uses nothing beyond java.nio.
 */
final class ServiceProtocol {
    static final String SOCKET = "jstore.sock";
    private static final int VERSION = 1;

    static final byte SIGNAL = 'S';
    static final byte ACCEPTED = 'A';
    static final byte DECLINED = 'D';
    static final byte EXIT = 'X';

    private ServiceProtocol() {}

    /** What the client sends first. */
    record Request(long pid, String cwd, List<String> args, Map<String, String> env) {}

    static ByteBuffer encode(Request r) {
        List<byte[]> strings = new ArrayList<>();
        strings.add(utf8(r.cwd()));
        for (String a : r.args()) strings.add(utf8(a));
        // no lambda, no string concatenation (both spin classes at their first use): the client runs this
        for (java.util.Map.Entry<String, String> e : r.env().entrySet()) {
            strings.add(utf8(new StringBuilder(e.getKey()).append('=').append(e.getValue()).toString()));
        }
        int size = 4 + 8 + 4 + 4;
        for (byte[] s : strings) size += 4 + s.length;
        ByteBuffer b = ByteBuffer.allocate(4 + size);
        b.putInt(size).putInt(VERSION).putLong(r.pid()).putInt(r.args().size()).putInt(r.env().size());
        for (byte[] s : strings) b.putInt(s.length).put(s);
        return b.flip();
    }

    static Request readRequest(ReadableByteChannel ch) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(4);
        if (!readFully(ch, len)) throw new EOFException("the client closed before its request");
        int size = len.flip().getInt();
        if (size < 20 || size > 64 << 20) throw new IOException("bad request size " + size);
        ByteBuffer b = ByteBuffer.allocate(size);
        if (!readFully(ch, b)) throw new EOFException("the client closed inside its request");
        b.flip();
        int version = b.getInt();
        if (version != VERSION) throw new IOException("request version " + version + ", this service speaks " + VERSION);
        long pid = b.getLong();
        int argc = b.getInt();
        int envc = b.getInt();
        String cwd = string(b);
        List<String> args = new ArrayList<>(argc);
        for (int i = 0; i < argc; i++) args.add(string(b));
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (int i = 0; i < envc; i++) {
            String kv = string(b);
            int eq = kv.indexOf('=');
            env.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
        }
        return new Request(pid, cwd, args, env);
    }

    /** A one-byte frame type with an int (a signal number, an exit code), written whole. */
    static void write(WritableByteChannel ch, byte type, int value) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(5).put(type).putInt(value).flip();
        while (b.hasRemaining()) ch.write(b);
    }

    /** Reads one frame into {@code frame} (5 bytes); false at a clean end of stream. */
    static boolean read(ReadableByteChannel ch, ByteBuffer frame) throws IOException {
        frame.clear();
        boolean got = readFully(ch, frame);
        frame.flip();
        return got;
    }

    static ByteBuffer frame() {
        return ByteBuffer.allocate(5);
    }

    private static boolean readFully(ReadableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                if (b.position() == 0) return false;
                throw new EOFException("the peer closed inside a frame");
            }
        }
        return true;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(ByteBuffer b) {
        byte[] s = new byte[b.getInt()];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
