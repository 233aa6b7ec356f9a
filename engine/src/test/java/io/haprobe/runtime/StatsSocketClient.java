package io.haprobe.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * A raw client of the stats socket for tests: sends bytes, reads until a condition or the server's close, with a
 * deadline, and remembers every byte received and whether the server closed. Not thread-safe.
 */
final class StatsSocketClient implements AutoCloseable {

    private final SocketChannel channel;
    private final Selector selector;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private boolean closedByServer;

    private StatsSocketClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    static StatsSocketClient connect(SocketAddress address) throws IOException {
        SocketChannel channel = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        channel.connect(address);
        return new StatsSocketClient(channel);
    }

    /** One request and everything until the server closes: what {@code echo ... | socat stdio PATH} prints. */
    static String oneShot(SocketAddress address, String request) throws IOException {
        try (StatsSocketClient client = connect(address)) {
            client.send(request);
            return client.readUntilClosed();
        }
    }

    StatsSocketClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes all bytes, reading meanwhile so that a server answering early cannot block us. */
    StatsSocketClient send(byte[] bytes) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(bytes);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (out.hasRemaining()) {
            channel.write(out);
            if (out.hasRemaining()) {
                readAvailable(10);
                if (closedByServer || System.nanoTime() > deadline) {
                    throw new IOException("server stopped reading after " + out.position() + " bytes");
                }
            }
        }
        return this;
    }

    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** Reads until the received text satisfies {@code done} or 10 s pass; returns all received so far. */
    String readUntil(Predicate<String> done) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.test(text()) && !closedByServer) {
            if (System.nanoTime() > deadline) {
                throw new IOException("timed out; received so far: " + text());
            }
            readAvailable(100);
        }
        return text();
    }

    String readUntilEndsWith(String suffix) throws IOException {
        return readUntil(s -> s.endsWith(suffix));
    }

    /** Reads until the server closes (end of stream or reset), at most 10 s; returns all received. */
    String readUntilClosed() throws IOException {
        readUntil(s -> false);
        return text();
    }

    boolean closedByServer() {
        return closedByServer;
    }

    String text() {
        return received.toString(StandardCharsets.UTF_8);
    }

    int receivedBytes() {
        return received.size();
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }

    private void readAvailable(long waitMillis) throws IOException {
        selector.select(waitMillis);
        selector.selectedKeys().clear();
        ByteBuffer in = ByteBuffer.allocate(65536);
        while (true) {
            int n;
            try {
                n = channel.read(in);
            } catch (IOException reset) {
                closedByServer = true;
                return;
            }
            if (n < 0) {
                closedByServer = true;
                return;
            }
            if (n == 0) {
                return;
            }
            received.write(in.array(), 0, in.position());
            in.clear();
        }
    }
}
