package io.haprobe.conformance;

import io.haprobe.sim.Traffic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays a scenario's {@code traffic:} items against real HAProxy over loopback sockets, as a haprobe simulation
 * plays them on virtual time: {@code burst: N} opens N connections at once at {@code at}, {@code sequential: N}
 * sends one request after the other (each when the previous one has its answer), {@code rate: R/s} is an open loop
 * of one request every 1/R s from {@code at} while before {@code until}. Each request is {@code GET <path>
 * HTTP/1.1} with the item's headers and {@code Connection: close}, from the item's {@code source} (the client
 * socket bound to that 127.0.0.x address, else 127.0.0.1), and is abandoned after the item's {@code timeout}.
 * Times count from {@link #start()}, the instant the scripted backends' phases count from.
 *
 * <p>Thread-safe: requests run on the client's own threads; {@link #close()} stops them.
 */
final class LoadClient implements AutoCloseable {

    /** How long a request without a client timeout may wait for its answer before the harness gives up. */
    private static final int SAFETY_TIMEOUT_MILLIS = 60_000;
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    /**
     * One request the client sent.
     *
     * @param item       the traffic item's index in the scenario
     * @param index      the request's position in its item, from 0 (send order)
     * @param localPort  the client socket's port (what HAProxy's httplog names), 0 if the connect failed
     * @param sentMillis when it was sent, ms after {@link #start()}
     * @param endMillis  when its answer ended (or the client gave up), ms after {@link #start()}
     * @param status     the HTTP status received, -1 when none (the client gave up, or the connection closed)
     */
    record Sent(int item, int index, int localPort, double sentMillis, double endMillis, int status) {
    }

    private final List<Traffic> items;
    private final List<Integer> ports;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "haprobe-load-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final ExecutorService requests = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "haprobe-load-client");
        thread.setDaemon(true);
        return thread;
    });
    private final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
    private volatile long originNanos;

    /**
     * A client for {@code items}, item {@code i} sent to {@code 127.0.0.1:ports.get(i)}.
     *
     * @throws IllegalArgumentException if the lists differ in size
     */
    LoadClient(List<Traffic> items, List<Integer> ports) {
        if (items.size() != ports.size()) {
            throw new IllegalArgumentException("ports: " + ports.size() + " (expected: one per item, " + items.size()
                    + ")");
        }
        this.items = List.copyOf(items);
        this.ports = List.copyOf(ports);
    }

    /** How many requests an item sends. */
    static int count(Traffic item) {
        if (item.load() instanceof Traffic.Burst burst) {
            return burst.requests();
        }
        if (item.load() instanceof Traffic.Sequential sequential) {
            return sequential.requests();
        }
        Traffic.Rate rate = (Traffic.Rate) item.load();
        long period = rate.periodNanos();
        return (int) ((rate.untilNanos() - item.atNanos() + period - 1) / period);
    }

    /** Starts the clock and schedules every item's requests. Call once. */
    void start() {
        originNanos = System.nanoTime();
        for (int i = 0; i < items.size(); i++) {
            Traffic item = items.get(i);
            int itemIndex = i;
            int port = ports.get(i);
            if (item.load() instanceof Traffic.Burst burst) {
                // each request's thread is started now and waits at the gate, which opens at the item's time: a
                // burst of 60 sent by threads started at that time trickled out over 280 ms on a loaded machine
                CountDownLatch gate = new CountDownLatch(1);
                for (int k = 0; k < burst.requests(); k++) {
                    int index = k;
                    requests.execute(() -> {
                        try {
                            gate.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        send(itemIndex, index, item, port);
                    });
                }
                at(item.atNanos(), gate::countDown);
            } else if (item.load() instanceof Traffic.Sequential sequential) {
                at(item.atNanos(), () -> requests.execute(() -> {
                    for (int k = 0; k < sequential.requests(); k++) {
                        send(itemIndex, k, item, port);
                    }
                }));
            } else {
                long period = ((Traffic.Rate) item.load()).periodNanos();
                int count = count(item);
                for (int k = 0; k < count; k++) {
                    int index = k;
                    at(item.atNanos() + k * period, () -> requests.execute(() -> send(itemIndex, index, item, port)));
                }
            }
        }
    }

    /** The requests ended so far, by item and index. */
    List<Sent> ended() {
        List<Sent> all = new ArrayList<>(sent);
        all.sort(Comparator.comparingInt(Sent::item).thenComparingInt(Sent::index));
        return all;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        requests.shutdownNow();
    }

    private void at(long atNanos, Runnable task) {
        long delay = originNanos + atNanos - System.nanoTime();
        timer.schedule(task, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    private void send(int itemIndex, int index, Traffic item, int port) {
        double sentMillis = millis(System.nanoTime());
        int localPort = 0;
        int status = -1;
        try (Socket socket = new Socket()) {
            InetAddress source = item.source() != null ? item.source() : InetAddress.getByName("127.0.0.1");
            socket.bind(new InetSocketAddress(source, 0));
            localPort = socket.getLocalPort();
            socket.setSoTimeout(item.timeoutNanos() > 0
                    ? (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(item.timeoutNanos())) : SAFETY_TIMEOUT_MILLIS);
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), CONNECT_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(request(item).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            status = status(readAll(socket.getInputStream()));
        } catch (SocketTimeoutException gaveUp) {
            status = -1;
        } catch (IOException e) {
            status = -1;
        } finally {
            sent.add(new Sent(itemIndex, index, localPort, sentMillis, millis(System.nanoTime()), status));
        }
    }

    private double millis(long nanos) {
        return (nanos - originNanos) / 1e6;
    }

    /** The request bytes: the item's path and headers, a Host header unless it has one, Connection: close. */
    static String request(Traffic item) {
        StringBuilder request = new StringBuilder("GET ").append(item.path()).append(" HTTP/1.1\r\n");
        boolean host = false;
        for (Map.Entry<String, String> header : item.headers().entrySet()) {
            host |= header.getKey().equalsIgnoreCase("host");
            request.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        if (!host) {
            request.append("Host: localhost\r\n");
        }
        return request.append("Connection: close\r\n\r\n").toString();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            answer.write(buffer, 0, n);
        }
        return answer.toByteArray();
    }

    /** The status of an HTTP/1.x response's status line, or -1 if the bytes are not one. */
    static int status(byte[] response) {
        String head = new String(response, 0, Math.min(response.length, 12), StandardCharsets.ISO_8859_1);
        return head.matches("HTTP/1\\.[01] [1-5][0-9][0-9]") ? Integer.parseInt(head.substring(9, 12)) : -1;
    }
}
