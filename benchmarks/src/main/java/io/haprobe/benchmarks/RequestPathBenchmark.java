package io.haprobe.benchmarks;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.traffic.AlgorithmTraits;
import io.haprobe.traffic.BackendTraffic;
import io.haprobe.traffic.Decision;
import io.haprobe.traffic.LoadBalancer;
import io.haprobe.traffic.Request;
import io.haprobe.traffic.Stream;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One request through a backend's request model ({@link BackendTraffic}), the traffic side of a simulation
 * without the scheduler: {@link BackendTraffic#arrive} (persistence, load balancing, the {@code maxconn}
 * check), {@link BackendTraffic#connected}, then {@link BackendTraffic#responded} (counters, the freed slot,
 * the queues looked at); {@link #requestRecycled()} hands the ended stream back. {@code servers} servers with weights 1 to 4 and {@code maxconn 100}, all UP, one request
 * in flight at a time: the steady state of a lightly loaded backend, where no request waits.
 *
 * <p>Per-thread state: each benchmark thread has its own backend.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestPathBenchmark {

    @Param({"roundrobin", "leastconn", "uri"})
    public String balance;

    @Param({"100"})
    public int servers;

    private BackendTraffic backend;
    private long now;

    /** Builds the backend from a generated haproxy.cfg section. */
    @Setup
    public void setUp() {
        StringBuilder cfg = new StringBuilder("defaults\n  mode http\n  timeout connect 5s\n  timeout server 30s\n"
                + "backend app\n  balance " + balance + "\n");
        for (int i = 0; i < servers; i++) {
            cfg.append("  server s").append(i).append(" 10.0.").append(i / 250).append('.').append(i % 250 + 1)
                    .append(":8080 weight ").append(1 + i % 4).append(" maxconn 100\n");
        }
        HaproxyConfig config = HaproxyConfig.parse("bench.cfg", cfg.toString());
        ProxyConfig proxy = config.proxy("app").orElseThrow();
        backend = BackendTraffic.of(proxy, config.fullConn(proxy, 10_000),
                AlgorithmTraits.of(proxy.balance(), proxy.consistentHash()),
                list -> LoadBalancer.of(proxy.balancing(), list, false, new SplittableRandom(1)));
    }

    /**
     * Sends one request through the model: arrival, connection, response. The ended stream is kept (as a
     * simulation that records every request does), so each request allocates its stream.
     *
     * @return the ended stream
     */
    @Benchmark
    public Stream request() {
        now += 1_000;
        Decision decision = backend.arrive(Request.ROOT, now);
        Stream stream = decision.stream();
        backend.connected(stream, now);
        backend.responded(stream, 200, now);
        return stream;
    }

    /**
     * The same, then the ended stream goes back to the model ({@link BackendTraffic#recycle}): the steady state of a
     * driver that keeps no per-request object.
     *
     * @return the status
     */
    @Benchmark
    public int requestRecycled() {
        now += 1_000;
        Decision decision = backend.arrive(Request.ROOT, now);
        Stream stream = decision.stream();
        backend.connected(stream, now);
        int status = backend.responded(stream, 200, now).status();
        backend.recycle(stream);
        return status;
    }
}
