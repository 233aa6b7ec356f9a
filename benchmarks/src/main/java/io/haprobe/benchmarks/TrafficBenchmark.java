package io.haprobe.benchmarks;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.Simulation;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.Traffic;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A simulation's client traffic alone, per virtual second: 1,000 requests/s into a frontend whose backend has 100
 * servers (no checks: every server stays UP) answering {@code 200} after 5 ms, the requests not recorded
 * ({@code recordRequests(false)}, as {@code haprobe simulate} runs). Each invocation advances virtual time by one
 * second, so 1,000 requests go through the driver and the request model; with {@code -prof gc},
 * {@code gc.alloc.rate.norm} divided by 1,000 is the bytes allocated per request, and the time per operation
 * divided by 1,000 the wall time per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TrafficBenchmark {

    private static final int SERVERS = 100;

    private Simulation simulation;

    /** Builds the simulation (100 servers, 1,000 requests/s, nothing recorded) and runs its first second. */
    @Setup
    public void boot() {
        StringBuilder cfg = new StringBuilder("defaults\n    mode http\n    timeout connect 1s\n")
                .append("    timeout client 30s\n    timeout server 10s\n")
                .append("frontend fe\n    bind 127.0.0.1:8080\n    default_backend app\n")
                .append("backend app\n");
        for (int i = 0; i < SERVERS; i++) {
            cfg.append("    server s").append(i).append(" 10.0.0.").append(i + 1).append(":80\n");
        }
        HaproxyConfig config = HaproxyConfig.parse("bench.cfg", cfg.toString());
        Simulation.Builder builder = Simulation.builder(config).seed(1).recordChecks(false).recordRequests(false)
                .traffic(Traffic.to(Traffic.Target.frontend("fe"), Duration.ZERO,
                        new Traffic.Rate(1000, Duration.ofDays(3650).toNanos())));
        ServerScript ok = ServerScript.of(new Behaviour.Http(200, null, Map.of(), "",
                Delay.of(Duration.ofMillis(5))));
        for (int i = 0; i < SERVERS; i++) {
            builder.script("app/s" + i, ok);
        }
        simulation = builder.build();
        simulation.runFor(Duration.ofSeconds(1));
    }

    /** Closes the simulation. */
    @TearDown
    public void close() {
        simulation.close();
    }

    /** Runs one virtual second: about 1,000 requests; returns the requests ended so far. */
    @Benchmark
    public long oneVirtualSecond() {
        simulation.runFor(Duration.ofSeconds(1));
        return simulation.requestsEnded();
    }
}
