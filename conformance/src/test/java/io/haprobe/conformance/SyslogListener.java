package io.haprobe.conformance;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * A UDP syslog target on 127.0.0.1 for real HAProxy's {@code log 127.0.0.1:<port> format raw local0}: one thread
 * reads every datagram as one line (UTF-8, trailing line breaks dropped). Loopback UDP keeps the order of one
 * sender's datagrams and loses none while the receive buffer (asked for 4 MiB) has room; {@link #lines()} sends
 * itself a marker and waits until it comes back, so every line HAProxy sent before is in.
 *
 * <p>Thread-safe. {@link #close()} stops the thread and frees the port.
 */
final class SyslogListener implements AutoCloseable {

    private final DatagramSocket socket;
    private final Thread reader;
    private final List<String> lines = new ArrayList<>();

    /**
     * Binds an ephemeral port of 127.0.0.1 and starts reading.
     *
     * @throws IOException if the socket cannot be bound
     */
    SyslogListener() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        socket.setReceiveBufferSize(4 << 20);
        reader = new Thread(this::read, "haprobe-syslog-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    /** The target for a {@code log} line: {@code 127.0.0.1:<port>}. */
    String target() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private void read() {
        byte[] buffer = new byte[65536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!socket.isClosed()) {
            try {
                packet.setLength(buffer.length);
                socket.receive(packet);
                String line = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                line = line.stripTrailing();
                synchronized (lines) {
                    lines.add(line);
                }
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                synchronized (lines) {
                    lines.add("# syslog listener: " + e);
                }
            }
        }
    }

    /**
     * Every line received so far, in arrival order, once a marker sent now has been read (at most 10 s).
     *
     * @return the lines, without the marker
     * @throws IOException if the marker cannot be sent
     */
    List<String> lines() throws IOException {
        String marker = "# marker " + UUID.randomUUID();
        byte[] bytes = marker.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, socket.getLocalSocketAddress()));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
            synchronized (lines) {
                return lines.contains(marker);
            }
        });
        synchronized (lines) {
            return lines.stream().filter(line -> !line.equals(marker)).toList();
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        reader.join(Duration.ofSeconds(5).toMillis());
    }
}
