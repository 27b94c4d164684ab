package io.jstore.graph;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Per-thread direct buffers that keys and values pass through into LMDB. lmdbjava's byte[]
 * proxy mallocs native memory for every key and copies every value out through a fresh
 * pointer object, which cost more than the B-tree search itself; a direct buffer's address is
 * handed to LMDB as it is. LMDB copies what it is given at put time and only reads a key during
 * the call, so one key and one value buffer per thread suffice.
 */
final class Buffers {
    private static final ThreadLocal<Buffers> LOCAL = ThreadLocal.withInitial(Buffers::new);
    // Larger values get a buffer of their own rather than one that stays with the thread.
    private static final int KEEP = 64 * 1024;

    private ByteBuffer key = ByteBuffer.allocateDirect(512); // LMDB's default maximum key is 511 bytes
    private ByteBuffer val = ByteBuffer.allocateDirect(4096);

    private Buffers() {}

    /** {@code s} as UTF-8 in this thread's key buffer, valid until the next call on this thread. */
    static ByteBuffer key(String s) {
        Buffers b = LOCAL.get();
        b.key = fill(b.key, s.getBytes(StandardCharsets.UTF_8));
        return b.key;
    }

    /** {@code v} in this thread's value buffer, valid until the next call on this thread. */
    static ByteBuffer val(byte[] v) {
        Buffers b = LOCAL.get();
        if (v.length > KEEP) return fill(ByteBuffer.allocateDirect(v.length), v);
        b.val = fill(b.val, v);
        return b.val;
    }

    static ByteBuffer val(String s) {
        return val(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of what LMDB returned: its buffers point into the map and die with the transaction. */
    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static ByteBuffer fill(ByteBuffer buf, byte[] v) {
        if (buf.capacity() < v.length) buf = ByteBuffer.allocateDirect(Math.max(v.length, buf.capacity() * 2));
        buf.clear();
        buf.put(v).flip();
        return buf;
    }
}
