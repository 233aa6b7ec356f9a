package io.haprobe.benchmarks;

import io.haprobe.config.Balancing;
import io.haprobe.config.Balancing.Algorithm;
import io.haprobe.config.Balancing.Arguments;
import io.haprobe.config.Balancing.HashType;
import io.haprobe.traffic.LbServer;
import io.haprobe.traffic.LoadBalancer;
import io.haprobe.traffic.Request;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * One load-balancing decision per algorithm ({@link LoadBalancer#pick}), over a backend of {@code servers}
 * servers with weights 1 to 4 (cycling), all up, no {@code maxconn}.
 *
 * <ul>
 *   <li>{@link #pick()}: the decision alone, one request after the other.</li>
 *   <li>{@link #pickTakeRelease()}: the decision plus the accounting the traffic model does around a request
 *       ({@link LoadBalancer#taken} when the server takes it, {@link LoadBalancer#released} when it is done);
 *       it matters for {@code leastconn}, whose servers move in their tree on both.</li>
 * </ul>
 *
 * <p>Hashing algorithms cycle through 1,024 prepared requests (sources 10.x.y.z, URIs {@code /item/N?page=M},
 * {@code X-User} values), so that the measure is not one key's path. The requests are built in {@code @Setup}:
 * what is measured is the decision, not building a request.
 *
 * <p>Per-thread state: each benchmark thread has its own backend.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LoadBalancerBenchmark {

    @Param({"roundrobin", "static-rr", "leastconn", "first", "source", "source-consistent", "uri",
            "uri-consistent", "hdr-consistent", "random"})
    public String algorithm;

    @Param({"100"})
    public int servers;

    private LoadBalancer balancer;
    private Request[] requests;
    private int next;

    /** Builds the backend and its balancer, and the requests to cycle through. */
    @Setup
    public void setUp() throws UnknownHostException {
        List<Server> backend = new ArrayList<>();
        Balancing balancing = balancing(algorithm);
        for (int i = 0; i < servers; i++) {
            int weight = 1 + i % 4;
            backend.add(new Server(i, balancing.staticWeights() ? weight : weight * 16));
        }
        balancer = LoadBalancer.of(balancing, backend, false, new SplittableRandom(1));
        requests = new Request[1024];
        for (int i = 0; i < requests.length; i++) {
            InetAddress source = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 8), (byte) i, 7});
            requests[i] = new Request("GET", "/item/" + i + "?page=" + (i % 7), Map.of("X-User", "user" + i),
                    source);
        }
    }

    /**
     * Picks the server for the next request.
     *
     * @return the server
     */
    @Benchmark
    public LbServer pick() {
        return balancer.pick(nextRequest(), null);
    }

    /**
     * Picks the server for the next request, then counts the request on it and releases it.
     *
     * @return the server
     */
    @Benchmark
    public LbServer pickTakeRelease() {
        Server server = (Server) balancer.pick(nextRequest(), null);
        server.served++;
        balancer.taken(server);
        server.served--;
        balancer.released(server);
        return server;
    }

    private Request nextRequest() {
        Request request = requests[next];
        next = (next + 1) & (requests.length - 1);
        return request;
    }

    private static Balancing balancing(String name) {
        return switch (name) {
            case "roundrobin" -> Balancing.DEFAULT;
            case "static-rr" -> Balancing.DEFAULT.withAlgorithm(Algorithm.STATIC_RR, Arguments.NONE);
            case "leastconn" -> Balancing.DEFAULT.withAlgorithm(Algorithm.LEASTCONN, Arguments.NONE);
            case "first" -> Balancing.DEFAULT.withAlgorithm(Algorithm.FIRST, Arguments.NONE);
            case "source" -> Balancing.DEFAULT.withAlgorithm(Algorithm.SOURCE, Arguments.NONE);
            case "source-consistent" -> Balancing.DEFAULT.withAlgorithm(Algorithm.SOURCE, Arguments.NONE)
                    .withHashType(HashType.CONSISTENT);
            case "uri" -> Balancing.DEFAULT.withAlgorithm(Algorithm.URI, Arguments.uri(false, false, 0, 0));
            case "uri-consistent" -> Balancing.DEFAULT.withAlgorithm(Algorithm.URI,
                    Arguments.uri(false, false, 0, 0)).withHashType(HashType.CONSISTENT);
            case "hdr-consistent" -> Balancing.DEFAULT.withAlgorithm(Algorithm.HDR,
                    Arguments.header("X-User", false)).withHashType(HashType.CONSISTENT);
            case "random" -> Balancing.DEFAULT.withAlgorithm(Algorithm.RANDOM, Arguments.random(2));
            default -> throw new IllegalArgumentException("algorithm: " + name);
        };
    }

    /** A server as the traffic model keeps it: plain fields. */
    private static final class Server implements LbServer {
        private final int index;
        private final int eweight;
        int served;

        Server(int index, int eweight) {
            this.index = index;
            this.eweight = eweight;
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public int puid() {
            return index + 1;
        }

        @Override
        public boolean backup() {
            return false;
        }

        @Override
        public boolean usable() {
            return true;
        }

        @Override
        public int eweight() {
            return eweight;
        }

        @Override
        public int served() {
            return served;
        }

        @Override
        public int queueLength() {
            return 0;
        }

        @Override
        public int maxConn() {
            return 0;
        }

        @Override
        public int dynamicMaxConn() {
            return 0;
        }
    }
}
