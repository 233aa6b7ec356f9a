package io.haprobe.benchmarks;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.HealthListener;
import io.haprobe.engine.Simulation;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Simulated checks per wall-clock second: a whole {@link Simulation} (virtual scheduler, channel-free check
 * connections to scripted backends, the check interpreter, the health state machine, events to a listener) over
 * 1,000 or 10,000 servers, {@code inter 2s}, every server's backend answering. Each invocation advances virtual
 * time by one second, which runs about half the servers' checks; the {@code checks} counter is the number of
 * checks completed, reported per second of wall time; with {@code -prof gc}, {@code gc.alloc.rate.norm} divided by
 * the checks of one invocation (500 or 5,000) is the bytes allocated per check.
 *
 * <p>{@code check}: {@code tcp} is the plain connect check; {@code http} is {@code option httpchk} with
 * {@code http-check expect status 200} against a backend answering {@code 200 OK}.
 *
 * <p>The forks run with the collector the launcher gives {@code haprobe simulate} ({@code -XX:+UseParallelGC
 * -Xmn256m}, see {@code ./haprobe}), so the figure is the command's; {@code -jvmArgsAppend -XX:+UseG1GC} on JMH's
 * command line replaces these options and measures G1, an embedding JVM's default. On the 2-core VM of
 * benchmarks/README.md a fork of the 10,000-server {@code http} case runs at about 2M or at 3.3M to 4.9M checks/s
 * with either collector, the slow mode coming and going with the machine's own slow periods ("Ninth round"): compare
 * builds in alternating forks.
 */
@State(Scope.Thread)
@Fork(jvmArgsAppend = {"-XX:+UseParallelGC", "-Xmn256m"})
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SimulationBenchmark {

    /** Servers in the one backend, each checked at {@code inter 2s}. */
    @Param({"1000", "10000"})
    public int servers;

    /** {@code tcp}: a plain layer-4 check; {@code http}: {@code option httpchk} expecting status 200. */
    @Param({"tcp", "http"})
    public String check;

    private Simulation simulation;
    private long completed;

    /** Checks completed in an iteration; JMH divides by the iteration's wall time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Checks {
        /** Checks completed so far in the iteration. */
        public long checks;

        /** Zeroes the count at each iteration's start. */
        @Setup(Level.Iteration)
        public void reset() {
            checks = 0;
        }
    }

    /** Builds the simulation and runs it past the boot spreading (4 virtual seconds). */
    @Setup(Level.Trial)
    public void boot() {
        simulation = steadySimulation(servers, check, event -> {
            if (event instanceof HealthEvent.CheckCompleted) {
                completed++;
            }
        });
        simulation.runFor(Duration.ofSeconds(4)); // past the boot spreading
    }

    /**
     * Builds the benchmark's simulation: {@code servers} servers of one backend {@code app} ({@code s0}, {@code s1},
     * ... on 10.0.x.y:80), {@code inter 2s fall 3 rise 2}, {@code timeout connect 1s}, seed 1, only state changes
     * kept, every scripted backend answering {@code 200} at once. Not run yet.
     *
     * @param servers  how many servers, {@code >= 1}
     * @param check    {@code http} for {@code option httpchk GET /health} expecting status 200; else a plain
     *                 connect check
     * @param listener receives every event, on the simulation's thread; never null
     * @return the simulation, at virtual time 0
     */
    static Simulation steadySimulation(int servers, String check, HealthListener listener) {
        StringBuilder cfg = new StringBuilder("defaults\n    mode http\n    timeout connect 1s\n")
                .append("    default-server inter 2s fall 3 rise 2\n")
                .append("backend app\n");
        if (check.equals("http")) {
            cfg.append("    option httpchk GET /health\n    http-check expect status 200\n");
        }
        for (int i = 0; i < servers; i++) {
            cfg.append("    server s").append(i).append(" 10.0.").append(i / 250).append('.').append(i % 250 + 1)
                    .append(":80 check\n");
        }
        HaproxyConfig config = HaproxyConfig.parse("bench.cfg", cfg.toString());
        Simulation.Builder builder = Simulation.builder(config).seed(1).recordChecks(false).listener(listener);
        ServerScript ok = ServerScript.of(Behaviour.http(200));
        for (int i = 0; i < servers; i++) {
            builder.script("app/s" + i, ok);
        }
        return builder.build();
    }

    /** Closes the simulation. */
    @TearDown(Level.Trial)
    public void close() {
        simulation.close();
    }

    /** Runs one virtual second; its checks are added to {@code checks} (about {@code servers / 2}). */
    @Benchmark
    public long oneVirtualSecond(Checks checks) {
        long before = completed;
        simulation.runFor(Duration.ofSeconds(1));
        checks.checks += completed - before;
        return completed;
    }
}
