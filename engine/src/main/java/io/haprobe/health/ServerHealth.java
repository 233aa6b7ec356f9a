package io.haprobe.health;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckResult;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;

import java.util.Objects;

/**
 * The health state machine of one server's health check (spec §1.2-§1.4): the health counter, the
 * operational state and the last outcome, and how one completed check moves them. Pure: no clock, no I/O.
 *
 * <ul>
 *   <li>FAILED: the counter goes down; at 0 the server goes {@link ServerState#STOPPED} (DOWN).</li>
 *   <li>PASSED: the counter goes up; at {@code rise} or more a DOWN or NOLB server goes
 *       {@link ServerState#RUNNING} (UP).</li>
 *   <li>CONDPASS ({@code L7OKC}): the counter goes up; at {@code rise} or more the server goes
 *       {@link ServerState#STOPPING} (NOLB).</li>
 *   <li>In maintenance ({@code disabled}) nothing moves: HAProxy pauses the check.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe; {@link #apply(CheckOutcome)} returns the next value inside a
 * {@link HealthStep}.
 *
 * <pre>{@code
 * ServerHealth s = ServerHealth.boot(2, 3, false);            // UP, health 2 ("UP 1/3")
 * HealthStep step = s.apply(CheckOutcome.of(CheckStatus.L4CON, 0, "Connection refused", 0));
 * step.after().state();                                       // STOPPED: one failure at boot is enough
 * }</pre>
 *
 * @param counter     the health counter; never null
 * @param state       the operational state; never null
 * @param maintenance true while in maintenance (the {@code disabled} keyword); the check is paused
 * @param lastOutcome the last completed check, null before the first one (status {@code INI})
 */
public record ServerHealth(HealthCounter counter, ServerState state, boolean maintenance, CheckOutcome lastOutcome) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if {@code counter} or {@code state} is null
     */
    public ServerHealth {
        Objects.requireNonNull(counter, "counter");
        Objects.requireNonNull(state, "state");
    }

    /**
     * Returns the state of a server with {@code check} at boot (spec §1.3): UP ({@code RUNNING}) with
     * {@code health = rise}; or, with {@code disabled}, in maintenance, DOWN with health 0.
     *
     * @param rise     {@code rise}, {@code >= 1}
     * @param fall     {@code fall}, {@code >= 1}
     * @param disabled the {@code disabled} keyword
     * @return the boot state
     * @throws IllegalArgumentException if {@code rise} or {@code fall} is below 1
     */
    public static ServerHealth boot(int rise, int fall, boolean disabled) {
        if (disabled) {
            return new ServerHealth(new HealthCounter(rise, fall, 0), ServerState.STOPPED, true, null);
        }
        return new ServerHealth(HealthCounter.initial(rise, fall), ServerState.RUNNING, false, null);
    }

    /**
     * Returns the status of the last check, {@link CheckStatus#INI} before the first one.
     *
     * @return the status, never null
     */
    public CheckStatus lastStatus() {
        return lastOutcome == null ? CheckStatus.INI : lastOutcome.status();
    }

    /**
     * Applies one completed check.
     *
     * @param outcome the check's outcome; never null
     * @return the step, holding the state before and after
     * @throws NullPointerException  if {@code outcome} is null
     * @throws IllegalStateException if the server is in maintenance (its check is paused)
     */
    public HealthStep apply(CheckOutcome outcome) {
        Objects.requireNonNull(outcome, "outcome");
        if (maintenance) {
            throw new IllegalStateException("the check of a server in maintenance is paused");
        }
        CheckResult result = outcome.result();
        HealthCounter next = switch (result) {
            case FAILED -> counter.afterFailure();
            case PASSED, CONDPASS -> counter.afterSuccess();
            default -> counter;
        };
        ServerState nextState = state;
        if (result == CheckResult.FAILED && next.health() == 0) {
            nextState = ServerState.STOPPED;
        } else if (result == CheckResult.PASSED && next.isGood()
                && (state == ServerState.STOPPED || state == ServerState.STOPPING)) {
            nextState = ServerState.RUNNING;
        } else if (result == CheckResult.CONDPASS && next.isGood()) {
            nextState = ServerState.STOPPING;
        }
        return new HealthStep(this, new ServerHealth(next, nextState, false, outcome));
    }

    /**
     * Returns the {@code status} column of {@code show stat} for this server: {@code MAINT}, {@code UP},
     * {@code DOWN}, {@code NOLB}, or with a fraction while in transition ({@code UP 1/3}, {@code DOWN 1/2}).
     *
     * @return the status text, never null
     */
    public String statusText() {
        if (maintenance) {
            return "MAINT";
        }
        boolean stopped = state == ServerState.STOPPED;
        if (!stopped && counter.isFull()) {
            return state.word();
        }
        if (stopped && counter.health() == 0) {
            return state.word();
        }
        int n = stopped ? counter.health() : counter.health() - counter.rise() + 1;
        int d = stopped ? counter.rise() : counter.fall();
        return state.word() + ' ' + n + '/' + d;
    }
}
