package io.haprobe.benchmarks;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.health.HealthCounter;
import io.haprobe.health.HealthStep;
import io.haprobe.health.ServerHealth;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * One step of a server's health after a completed check, at two depths.
 *
 * <ul>
 *   <li>{@link #counterStep()}: {@link HealthCounter#afterFailure()} or {@link HealthCounter#afterSuccess()},
 *       the {@code rise}/{@code fall} counter alone.</li>
 *   <li>{@link #serverHealthStep()}: {@link ServerHealth#apply(CheckOutcome)}, the whole state machine step
 *       (result of the status, counter, operational state, the new value and its {@link HealthStep}).</li>
 * </ul>
 *
 * <p>Each runs once per check of every server, so together with the response judge they bound the CPU cost
 * of a check outside I/O. Both walk the same flapping cycle with HAProxy's defaults {@code rise 2 fall 3}:
 * three failures then two successes, from full health (4: UP, 3, 2, DOWN 0, 1, UP 4 again). Plain
 * alternation would bounce between 0 and 1 on the DOWN side and never cross UP/DOWN; the cycle covers every
 * branch. The value and the position in the cycle live in this state, so the JIT cannot fold the steps.
 *
 * <p>Per-thread state: each benchmark thread walks its own server.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HealthCounterBenchmark {

    private static final int RISE = 2;
    private static final int FALL = 3;
    private static final boolean[] PASSES = {false, false, false, true, true};

    private HealthCounter counter;
    private ServerHealth health;
    private CheckOutcome failure;
    private CheckOutcome success;
    private int position;

    /** Starts a server at full health and prepares one failing and one passing outcome. */
    @Setup
    public void setUp() {
        counter = new HealthCounter(RISE, FALL, RISE + FALL - 1);
        health = new ServerHealth(counter, ServerState.UP, false, null);
        failure = CheckOutcome.of(CheckStatus.L4CON, 0, "Connection refused", 1_000_000L);
        success = CheckOutcome.of(CheckStatus.L7OK, 200, "", 1_000_000L);
        position = 0;
    }

    /**
     * Moves the counter one check along the cycle.
     *
     * @return the new counter
     */
    @Benchmark
    public HealthCounter counterStep() {
        counter = nextPasses() ? counter.afterSuccess() : counter.afterFailure();
        return counter;
    }

    /**
     * Applies the next outcome of the cycle to the server's health.
     *
     * @return the step, before and after
     */
    @Benchmark
    public HealthStep serverHealthStep() {
        HealthStep step = health.apply(nextPasses() ? success : failure);
        health = step.after();
        return step;
    }

    private boolean nextPasses() {
        boolean passes = PASSES[position];
        position = position == PASSES.length - 1 ? 0 : position + 1;
        return passes;
    }
}
