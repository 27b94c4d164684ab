package io.jstore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run client's native transport against a socket this test listens on, with the protocol's
 * own framing on both ends; and what the client does when there is no service or no library.
 * The library is the one this module's build made (surefire names it in {@code jstore.client.lib}).
 */
class UnixSocketChannelTest {
    @TempDir
    Path dir;

    private static ServerSocketChannel listen(Path socket) throws IOException {
        return ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
    }

    /** A request, an answer, and the clean end of the stream, over {@code client}'s transport. */
    private static void roundTrip(ServerSocketChannel server, ByteChannel client) throws IOException {
        // larger than the native code's stack buffer, so writes and reads go in pieces
        String big = "x".repeat(100_000);
        var sent = new ServiceProtocol.Request(4242, "/some/cwd", List.of("run", "--rm", "bb:1", "true"),
                Map.of("BIG", big, "HOME", "/root"));
        try (SocketChannel peer = server.accept()) {
            ByteBuffer req = ServiceProtocol.encode(sent);
            client.write(req);
            assertFalse(req.hasRemaining(), "a write sends all of its buffer");
            assertEquals(sent, ServiceProtocol.readRequest(peer));
            ServiceProtocol.write(peer, ServiceProtocol.EXIT, 42);
            ByteBuffer frame = ServiceProtocol.frame();
            assertTrue(ServiceProtocol.read(client, frame));
            assertEquals(ServiceProtocol.EXIT, frame.get());
            assertEquals(42, frame.getInt());
            ServiceProtocol.write(client, ServiceProtocol.SIGNAL, 15);
            ByteBuffer signal = ServiceProtocol.frame();
            assertTrue(ServiceProtocol.read(peer, signal));
            assertEquals(ServiceProtocol.SIGNAL, signal.get());
            assertEquals(15, signal.getInt());
        }
        assertFalse(ServiceProtocol.read(client, ServiceProtocol.frame()), "the peer closed: end of stream");
    }

    @Test
    void roundTripsTheProtocolThroughTheNativeLibrary() throws IOException {
        assertTrue(ClientLibrary.available(), "the build made " + System.getProperty(ClientLibrary.PROPERTY));
        Path socket = dir.resolve("jstore.sock");
        try (ServerSocketChannel server = listen(socket); ByteChannel client = ServiceClient.connect(socket, true)) {
            assertInstanceOf(UnixSocketChannel.class, client);
            roundTrip(server, client);
            client.close();
            assertFalse(client.isOpen());
        }
    }

    @Test
    void aStaleSocketIsRefusedAndTheClientRunsTheCommandItself() throws IOException {
        assertTrue(ClientLibrary.available());
        Path socket = dir.resolve(ServiceProtocol.SOCKET);
        listen(socket).close(); // the file stays, nobody listens: a service that died
        UnixSocketException refused = assertThrows(UnixSocketException.class, () -> UnixSocketChannel.connect(socket));
        assertEquals("ECONNREFUSED", refused.errno(), refused.getMessage());
        assertTrue(refused.getMessage().contains(socket.toString()), refused.getMessage());
        assertEquals(ServiceClient.NO_SERVICE, ServiceClient.run(new String[] {"run", "--root", dir.toString(), "--rm", "bb:1", "true"}));

        UnixSocketException missing = assertThrows(UnixSocketException.class,
                () -> UnixSocketChannel.connect(dir.resolve("none.sock")));
        assertEquals("ENOENT", missing.errno(), missing.getMessage());
    }

    @Test
    void aPathTooLongForSunPathFailsBeforeTheCall() {
        Path deep = dir.resolve("d".repeat(120));
        assertEquals("ENAMETOOLONG", assertThrows(UnixSocketException.class, () -> UnixSocketChannel.connect(deep)).errno());
    }

    @Test
    void withoutTheLibraryTheClientUsesTheJdksSocket() throws IOException {
        assertFalse(ClientLibrary.load(dir.resolve("libjstore-client.so").toString()), "no such file");
        assertFalse(ClientLibrary.load(null), "the launcher named none");
        Path socket = dir.resolve("jstore.sock");
        try (ServerSocketChannel server = listen(socket); ByteChannel client = ServiceClient.connect(socket, false)) {
            assertInstanceOf(SocketChannel.class, client);
            roundTrip(server, client);
        }
    }
}
