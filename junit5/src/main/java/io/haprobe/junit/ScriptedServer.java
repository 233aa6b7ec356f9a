package io.haprobe.junit;

import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServerScript;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Scripts the backend behind one server of a simulated run, phase by phase: {@code at(time)} then what the
 * backend does from that time on. The first behaviour may omit {@code at} and then starts at 0; every later
 * one needs its own {@code at}, later than the previous. Times are virtual, since the run's start, written as
 * in haproxy.cfg ({@code 5s}, {@code 300ms}, a bare number is milliseconds).
 *
 * <pre>{@code
 * haprobe.config("haproxy.cfg")
 *         .server("app_backend/web01", s -> s
 *                 .at("0s").http(200)
 *                 .at("10s").http(204, "No Content")
 *                 .at("30s").refuse()           // crash: open connections are reset
 *                 .at("45s").http(200))         // restart
 *         .start();
 * }</pre>
 *
 * <p>Each behaviour acts on the wire only; the status, code and info that the check reports follow from
 * HAProxy's rules, as {@link Behaviour} lists. Not thread-safe: used inside the lambda given to
 * {@link SimulatedHaproxy.Builder#server(String, java.util.function.Consumer)}, on the test's thread.
 */
public final class ScriptedServer {

    private final ServerScript.Builder script = ServerScript.builder();
    private Duration pendingAt;
    private Duration lastAt;
    private int phases;

    ScriptedServer() {
    }

    /**
     * Starts the next phase at {@code time}; the next behaviour call says what the backend does then.
     *
     * @param time virtual time since the run's start, in haproxy.cfg's time format, e.g. {@code 5s}; never null
     * @return this
     * @throws NullPointerException     if {@code time} is null
     * @throws IllegalArgumentException if {@code time} is not a time
     * @throws IllegalStateException    if the previous {@code at} has no behaviour yet
     */
    public ScriptedServer at(String time) {
        return at(Times.parse("time", time));
    }

    /**
     * Starts the next phase at {@code time}; the next behaviour call says what the backend does then.
     *
     * @param time virtual time since the run's start; never null, not negative
     * @return this
     * @throws NullPointerException     if {@code time} is null
     * @throws IllegalArgumentException if {@code time} is negative
     * @throws IllegalStateException    if the previous {@code at} has no behaviour yet
     */
    public ScriptedServer at(Duration time) {
        Objects.requireNonNull(time, "time");
        if (time.isNegative()) {
            throw new IllegalArgumentException("time: " + time + " (expected: >= 0)");
        }
        if (pendingAt != null) {
            throw new IllegalStateException("at(" + pendingAt.toMillis() + "ms) has no behaviour (expected: "
                    + "a behaviour such as http(200) after each at)");
        }
        pendingAt = time;
        return this;
    }

    /**
     * An HTTP server answering {@code status} with its standard reason phrase, at once, then FIN.
     *
     * @param status the status code, 100 to 999
     * @return this
     * @throws IllegalArgumentException if {@code status} is out of range, or as {@link #play(Behaviour)}
     * @throws IllegalStateException    as {@link #play(Behaviour)}
     */
    public ScriptedServer http(int status) {
        return play(Behaviour.http(status));
    }

    /**
     * An HTTP server answering {@code status} with the reason phrase {@code reason}, at once, then FIN. The
     * reason is what HAProxy reports as the check's info for {@code L7STS}.
     *
     * @param status the status code, 100 to 999
     * @param reason the reason phrase; never null, may be empty, no CR or LF
     * @return this
     * @throws NullPointerException     if {@code reason} is null
     * @throws IllegalArgumentException if an argument is out of range, or as {@link #play(Behaviour)}
     * @throws IllegalStateException    as {@link #play(Behaviour)}
     */
    public ScriptedServer http(int status, String reason) {
        Objects.requireNonNull(reason, "reason");
        return play(new Behaviour.Http(status, reason, Map.of(), "", Delay.NONE));
    }

    /**
     * A slow HTTP server: once the request is in, it waits {@code delay}, then answers {@code status} with its
     * standard reason phrase. A delay beyond {@code timeout check} (or {@code inter}) gives {@code L7TOUT}.
     *
     * @param delay  the wait before answering, in haproxy.cfg's time format; never null
     * @param status the status code, 100 to 999
     * @return this
     * @throws NullPointerException     if {@code delay} is null
     * @throws IllegalArgumentException if an argument is invalid, or as {@link #play(Behaviour)}
     * @throws IllegalStateException    as {@link #play(Behaviour)}
     */
    public ScriptedServer httpAfter(String delay, int status) {
        return play(new Behaviour.Http(status, null, Map.of(), "", Delay.of(Times.parse("delay", delay))));
    }

    /**
     * A raw TCP server: after the check's first bytes it writes {@code reply} (ISO-8859-1) and closes (FIN).
     *
     * @param reply the bytes to write, as ISO-8859-1 text; never null, may be empty
     * @return this
     * @throws NullPointerException     if {@code reply} is null
     * @throws IllegalArgumentException as {@link #play(Behaviour)}
     * @throws IllegalStateException    as {@link #play(Behaviour)}
     */
    public ScriptedServer tcp(String reply) {
        Objects.requireNonNull(reply, "reply");
        return play(new Behaviour.Tcp(reply.getBytes(StandardCharsets.ISO_8859_1), Delay.NONE, true, false));
    }

    /**
     * Nothing listens: every connect is refused ({@code L4CON "Connection refused"}). As a later phase, a
     * crash: connections still open are reset.
     *
     * @return this
     * @throws IllegalArgumentException as {@link #play(Behaviour)}
     * @throws IllegalStateException    as {@link #play(Behaviour)}
     */
    public ScriptedServer refuse() {
        return play(Behaviour.refuse());
    }

    /**
     * The connect never completes, as when SYNs are dropped ({@code L4TOUT}).
     *
     * @return this
     * @throws IllegalArgumentException as {@link #play(Behaviour)}
     * @throws IllegalStateException    as {@link #play(Behaviour)}
     */
    public ScriptedServer blackhole() {
        return play(Behaviour.blackhole());
    }

    /**
     * Accepts and never answers ({@code L7TOUT} for an HTTP check, {@code L4OK} for a connect-only one).
     *
     * @return this
     * @throws IllegalArgumentException as {@link #play(Behaviour)}
     * @throws IllegalStateException    as {@link #play(Behaviour)}
     */
    public ScriptedServer hang() {
        return play(Behaviour.hang());
    }

    /**
     * Accepts, then resets the connection at once (RST).
     *
     * @return this
     * @throws IllegalArgumentException as {@link #play(Behaviour)}
     * @throws IllegalStateException    as {@link #play(Behaviour)}
     */
    public ScriptedServer reset() {
        return play(new Behaviour.Reset(Delay.NONE));
    }

    /**
     * Accepts, then closes the connection at once (FIN) without sending anything. Not the end of the script:
     * the scenario file's {@code close} behaviour.
     *
     * @return this
     * @throws IllegalArgumentException as {@link #play(Behaviour)}
     * @throws IllegalStateException    as {@link #play(Behaviour)}
     */
    public ScriptedServer close() {
        return play(new Behaviour.Close(Delay.NONE));
    }

    /**
     * A cycle over check connections, for flapping: the n-th connection of the phase plays
     * {@code steps[n % steps.length]}, e.g. {@code sequence(http(503), http(503), http(200), http(200))}.
     *
     * @param steps the behaviours, in order; never null, not empty, no sequence inside
     * @return this
     * @throws NullPointerException     if {@code steps} or a step is null
     * @throws IllegalArgumentException if {@code steps} is empty or nests a sequence, or as {@link #play(Behaviour)}
     * @throws IllegalStateException    as {@link #play(Behaviour)}
     */
    public ScriptedServer sequence(Behaviour... steps) {
        return play(new Behaviour.Sequence(List.of(steps)));
    }

    /**
     * Plays any {@link Behaviour} from the pending {@code at} on (from 0 for the first phase without one).
     *
     * @param behaviour the behaviour; never null
     * @return this
     * @throws NullPointerException     if {@code behaviour} is null
     * @throws IllegalArgumentException if the first phase does not start at 0, or a later one does not start
     *                                  after the previous one
     * @throws IllegalStateException    if a phase after the first has no {@code at}
     */
    public ScriptedServer play(Behaviour behaviour) {
        Objects.requireNonNull(behaviour, "behaviour");
        Duration at = pendingAt;
        if (at == null) {
            if (phases > 0) {
                throw new IllegalStateException("phase " + (phases + 1) + " (" + behaviour.kind() + ") has no "
                        + "at(...) (expected: at(time) before each behaviour after the first)");
            }
            at = Duration.ZERO;
        }
        pendingAt = null;
        if (phases == 0 && !at.isZero()) {
            throw new IllegalArgumentException("time: " + at.toMillis() + "ms (expected: the first phase at 0s)");
        }
        if (phases > 0 && at.compareTo(lastAt) <= 0) {
            throw new IllegalArgumentException("time: " + at.toMillis() + "ms (expected: after the previous phase "
                    + "at " + lastAt.toMillis() + "ms)");
        }
        script.at(at, behaviour);
        lastAt = at;
        phases++;
        return this;
    }

    /**
     * Returns the script, validated.
     *
     * @throws IllegalStateException if no behaviour was given, or the last {@code at} has none
     */
    ServerScript build() {
        if (pendingAt != null) {
            throw new IllegalStateException("at(" + pendingAt.toMillis() + "ms) has no behaviour (expected: "
                    + "a behaviour such as http(200) after each at)");
        }
        if (phases == 0) {
            throw new IllegalStateException("the script is empty (expected: at least one behaviour, "
                    + "e.g. s -> s.http(200))");
        }
        return script.build();
    }
}
