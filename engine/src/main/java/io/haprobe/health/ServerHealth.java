package io.haprobe.health;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckResult;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.check.AgentReply;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The health state of one server (spec §1.2-§1.5, §7): the health check's counter, the operational state, the
 * admin flags (maintenance, drain), the current weight and the agent, and how one completed health check or
 * agent check moves them. Pure: no clock, no I/O.
 *
 * <ul>
 *   <li>Health check FAILED: the counter goes down; at 0 the server goes {@link ServerState#DOWN} (DOWN).</li>
 *   <li>Health check PASSED: the counter goes up; at {@code rise} or more a DOWN or NOLB server goes
 *       {@link ServerState#UP} (UP), but only when the agent (if any) is good too.</li>
 *   <li>Health check CONDPASS ({@code L7OKC}): likewise, to {@link ServerState#NOLB} (NOLB).</li>
 *   <li>Agent reply ({@link #applyAgent}): first its admin word ({@code drain}, {@code maint}, {@code ready}),
 *       then its weight, then its health word: {@code down} takes the server DOWN, {@code up} brings it UP only
 *       if the health check agrees and the server is not NOLB. Agent connection failures change nothing.</li>
 *   <li>In maintenance the health check is paused: its counter is 0 and it does not run; leaving it resets the
 *       counter to {@code rise} and brings the server UP at once unless the agent says down.</li>
 *   <li>The runtime API (spec §10.3): {@link #setAdminState} ({@code set server ... state}), {@link #setHealth}
 *       and {@link #setAgentHealth} ({@code ... health|agent}, reason {@code changed from CLI}),
 *       {@link #setWeight}, {@link #setCheckEnabled} and {@link #setAgentEnabled} ({@code enable|disable
 *       health|agent}: a disabled check leaves the state frozen, and {@link #checked()} false).</li>
 * </ul>
 *
 * <p>Immutable and thread-safe; {@link #apply(CheckOutcome)} and {@link #applyAgent} return the next value
 * inside a {@link HealthStep}.
 *
 * <pre>{@code
 * ServerHealth s = ServerHealth.boot(2, 3, false);            // UP, health 2 ("UP 1/3")
 * HealthStep step = s.apply(CheckOutcome.of(CheckStatus.L4CON, 0, "Connection refused", 0));
 * step.after().state();                                       // DOWN: one failure at boot is enough
 * }</pre>
 *
 * @param counter     the health check's counter; never null
 * @param state       the operational state; never null
 * @param maintenance true while in maintenance (the {@code disabled} keyword, agent {@code maint}); the health
 *                    check is paused
 * @param lastOutcome the last completed health check, null before the first one (status {@code INI})
 * @param drain       true while in forced drain (agent {@code drain}): UP but not used for load balancing
 * @param weight      the current user weight, 0..256 ({@code weight}, changed by agent {@code N%})
 * @param agent       the agent check's state, or null when the server has no {@code agent-check}
 * @param checked     true when the server has {@code check} (the health check is configured) and the runtime
 *                    API has not disabled it ({@code disable health})
 * @param slowStart   true when the server has {@code slowstart} above 0: coming back UP (after DOWN or
 *                    maintenance, never at boot) it enters {@link ServerState#STARTING} until
 *                    {@link #warmupEnded()}
 */
public record ServerHealth(HealthCounter counter, ServerState state, boolean maintenance, CheckOutcome lastOutcome,
                           boolean drain, int weight, AgentHealth agent, boolean checked, boolean slowStart) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if {@code counter} or {@code state} is null
     * @throws IllegalArgumentException if {@code weight} is outside 0..256
     */
    public ServerHealth {
        Objects.requireNonNull(counter, "counter");
        Objects.requireNonNull(state, "state");
        if (weight < 0 || weight > 256) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 0..256)");
        }
    }

    /**
     * Creates the state of a checked server without agent, drain, and with weight 1.
     *
     * @param counter     the health counter; never null
     * @param state       the operational state; never null
     * @param maintenance true while in maintenance
     * @param lastOutcome the last health check, or null
     * @throws NullPointerException if {@code counter} or {@code state} is null
     */
    public ServerHealth(HealthCounter counter, ServerState state, boolean maintenance, CheckOutcome lastOutcome) {
        this(counter, state, maintenance, lastOutcome, false, 1, null, true, false);
    }

    /**
     * Creates the state of a server without {@code slowstart}.
     *
     * @param counter     the health counter; never null
     * @param state       the operational state; never null
     * @param maintenance true while in maintenance
     * @param lastOutcome the last health check, or null
     * @param drain       true while in forced drain
     * @param weight      the user weight, 0..256
     * @param agent       the agent's state, or null without {@code agent-check}
     * @param checked     true when the health check runs
     * @throws NullPointerException     if {@code counter} or {@code state} is null
     * @throws IllegalArgumentException if {@code weight} is outside 0..256
     */
    public ServerHealth(HealthCounter counter, ServerState state, boolean maintenance, CheckOutcome lastOutcome,
                        boolean drain, int weight, AgentHealth agent, boolean checked) {
        this(counter, state, maintenance, lastOutcome, drain, weight, agent, checked, false);
    }

    /**
     * Returns the state of a server with {@code check} at boot (spec §1.3): {@code UP} with
     * {@code health = rise}; or, with {@code disabled}, in maintenance, DOWN with health 0. Weight 1, no agent.
     *
     * @param rise     {@code rise}, {@code >= 1}
     * @param fall     {@code fall}, {@code >= 1}
     * @param disabled the {@code disabled} keyword
     * @return the boot state
     * @throws IllegalArgumentException if {@code rise} or {@code fall} is below 1
     */
    public static ServerHealth boot(int rise, int fall, boolean disabled) {
        return boot(rise, fall, disabled, 1, false, true);
    }

    /**
     * Returns the state of a server at boot (spec §1.3): UP with {@code health = rise} and the agent (if any)
     * at health 1; with {@code disabled}, in maintenance, DOWN with health 0.
     *
     * @param rise     {@code rise}, {@code >= 1}
     * @param fall     {@code fall}, {@code >= 1}
     * @param disabled the {@code disabled} keyword
     * @param weight   the configured {@code weight}, 0..256
     * @param agent    true when the server has {@code agent-check}
     * @param checked  true when the server has {@code check}
     * @return the boot state
     * @throws IllegalArgumentException if {@code rise} or {@code fall} is below 1, or {@code weight} is out of
     *                                  range
     */
    public static ServerHealth boot(int rise, int fall, boolean disabled, int weight, boolean agent,
                                    boolean checked) {
        return boot(rise, fall, disabled, weight, agent, checked, false);
    }

    /**
     * Returns the state of a server at boot (spec §1.3), as {@link #boot(int, int, boolean, int, boolean, boolean)}
     * does, for a server that may have {@code slowstart}. Slowstart never applies at boot: the server starts UP
     * (RUNNING), and enters {@link ServerState#STARTING} only when it comes back later (spec §9.3).
     *
     * @param rise      {@code rise}, {@code >= 1}
     * @param fall      {@code fall}, {@code >= 1}
     * @param disabled  the {@code disabled} keyword
     * @param weight    the configured {@code weight}, 0..256
     * @param agent     true when the server has {@code agent-check}
     * @param checked   true when the server has {@code check}
     * @param slowStart true when the server has a {@code slowstart} above 0
     * @return the boot state
     * @throws IllegalArgumentException as the other {@code boot}
     */
    public static ServerHealth boot(int rise, int fall, boolean disabled, int weight, boolean agent,
                                    boolean checked, boolean slowStart) {
        AgentHealth agentHealth = agent ? AgentHealth.BOOT : null;
        if (disabled) {
            return new ServerHealth(new HealthCounter(rise, fall, 0), ServerState.DOWN, true, null, false, weight,
                    agentHealth, checked, slowStart);
        }
        return new ServerHealth(HealthCounter.initial(rise, fall), ServerState.UP, false, null, false, weight,
                agentHealth, checked, slowStart);
    }

    /**
     * Returns the status of the last health check, {@link CheckStatus#INI} before the first one.
     *
     * @return the status, never null
     */
    public CheckStatus lastStatus() {
        return lastOutcome == null ? CheckStatus.INI : lastOutcome.status();
    }

    /**
     * Tells whether the server takes new traffic (backend.h {@code srv_willbe_usable}): UP, not in
     * maintenance or drain, weight above 0.
     *
     * @return true if usable for load balancing
     */
    public boolean usable() {
        return !maintenance && !drain && weight > 0
                && (state == ServerState.UP || state == ServerState.STARTING);
    }

    /**
     * Applies one completed health check.
     *
     * @param outcome the check's outcome; never null
     * @return the step, holding the state before and after and what to log
     * @throws NullPointerException  if {@code outcome} is null
     * @throws IllegalStateException if the server is in maintenance (its check is paused)
     */
    public HealthStep apply(CheckOutcome outcome) {
        requireCheckable(outcome);
        CheckResult result = outcome.result();
        HealthCounter next = counterAfter(result);
        ServerState nextState = stateAfter(result, next);
        ServerHealth checkedState = withCheck(next, outcome);
        ServerHealth after = checkedState.withState(nextState);
        Transition check = new Transition(Transition.Kind.CHECK, this, checkedState);
        if (after.state == checkedState.state) {
            // most checks change no state: an immutable one-element list, which HealthStep keeps as it is
            return new HealthStep(this, after, List.of(check));
        }
        List<Transition> transitions = new ArrayList<>();
        transitions.add(check);
        addStateChange(transitions, checkedState, after);
        return new HealthStep(this, after, transitions);
    }

    /** What {@link #apply} and {@link #applyWithinState} refuse: a null outcome, a check of a server in maintenance. */
    private void requireCheckable(CheckOutcome outcome) {
        Objects.requireNonNull(outcome, "outcome");
        if (maintenance) {
            throw new IllegalStateException("the check of a server in maintenance is paused");
        }
    }

    /**
     * Applies one completed health check that changes no operational state, as {@link #apply} does, without the
     * step: the step {@link #apply} returns would hold the one {@link Transition.Kind#CHECK} transition from this
     * state to the one returned. For the checks of a steady server, the most frequent case.
     *
     * @param outcome the check's outcome; never null
     * @return the state after the check, or null when the check changes the operational state (then call
     *         {@link #apply})
     * @throws NullPointerException  if {@code outcome} is null
     * @throws IllegalStateException if the server is in maintenance (its check is paused)
     */
    public ServerHealth applyWithinState(CheckOutcome outcome) {
        requireCheckable(outcome);
        CheckResult result = outcome.result();
        HealthCounter next = counterAfter(result);
        return stateAfter(result, next) != state ? null : withCheck(next, outcome);
    }

    /** The health counter after a check with {@code result}. */
    private HealthCounter counterAfter(CheckResult result) {
        return switch (result) {
            case FAILED -> counter.afterFailure();
            case PASSED, CONDPASS -> counter.afterSuccess();
            default -> counter;
        };
    }

    /** The operational state after a check with {@code result} that moved the counter to {@code next}. */
    private ServerState stateAfter(CheckResult result, HealthCounter next) {
        boolean agentGood = agent == null || agent.isGood();
        ServerState nextState = state;
        if (result == CheckResult.FAILED && next.health() == 0) {
            nextState = ServerState.DOWN;
        } else if (result == CheckResult.PASSED && next.isGood() && agentGood
                && (state == ServerState.DOWN || state == ServerState.NOLB)) {
            nextState = running();
        } else if (result == CheckResult.CONDPASS && next.isGood() && agentGood) {
            nextState = ServerState.NOLB;
        }
        return nextState;
    }

    /**
     * Applies one completed agent check (spec §7): the reply's admin word, then its weight, then the agent's
     * health and its effect on the operational state.
     *
     * @param outcome       the agent check's outcome; never null
     * @param reply         the parsed reply line, or null when the check ended without one (connection
     *                      problem, timeout, empty reply)
     * @param initialWeight the configured {@code weight}, the base of {@code N%}
     * @return the step
     * @throws NullPointerException  if {@code outcome} is null
     * @throws IllegalStateException if the server has no agent
     */
    public HealthStep applyAgent(CheckOutcome outcome, AgentReply reply, int initialWeight) {
        Objects.requireNonNull(outcome, "outcome");
        if (agent == null) {
            throw new IllegalStateException("the server has no agent-check");
        }
        List<Transition> transitions = new ArrayList<>();
        ServerHealth current = this;
        if (reply != null && reply.admin() != null) {
            current = current.applyAdminWord(reply.admin().toLowerCase(Locale.ROOT), transitions);
        }
        int percent = reply == null ? -1 : reply.weightPercent();
        if (percent >= 0) {
            ServerHealth weighted = current.withWeight((int) Math.min(256, (long) initialWeight * percent / 100));
            transitions.add(new Transition(Transition.Kind.WEIGHT, current, weighted));
            if (weighted.drain) {
                transitions.add(new Transition(Transition.Kind.DRAIN_REMAINS, weighted, weighted));
            }
            current = weighted;
        }
        CheckStatus status = outcome.status();
        int agentHealth = status == CheckStatus.L7OK ? 1 : status == CheckStatus.L7STS ? 0 : current.agent.health();
        ServerHealth checkedState = current.withAgent(new AgentHealth(agentHealth, outcome, current.agent.enabled()));
        transitions.add(new Transition(Transition.Kind.CHECK, current, checkedState));
        ServerState nextState = checkedState.state;
        boolean healthGood = !checked || checkedState.counter.isGood();
        if (!checkedState.maintenance && status == CheckStatus.L7OK && healthGood
                && checkedState.state == ServerState.DOWN) {
            nextState = running();
        } else if (!checkedState.maintenance && status == CheckStatus.L7STS && agentHealth == 0
                && checkedState.state != ServerState.DOWN) {
            nextState = ServerState.DOWN;
        }
        ServerHealth after = checkedState.withState(nextState);
        addStateChange(transitions, checkedState, after);
        return new HealthStep(this, after, transitions);
    }

    /**
     * Returns the {@code status} column of {@code show stat} for this server (stats.c): {@code MAINT},
     * {@code UP}, {@code DOWN}, {@code NOLB}, {@code DRAIN}, with a fraction while in transition
     * ({@code UP 1/3}, {@code DOWN 1/2}), {@code DRAIN (agent)}, {@code DOWN (agent)} or {@code no check}.
     *
     * @return the status text, never null
     */
    public String statusText() {
        if (maintenance) {
            return "MAINT";
        }
        int up = counter.health() - counter.rise() + 1;
        boolean agentEnabled = agent != null && agent.enabled();
        switch (state) {
            case UP, STARTING -> {
                boolean goingDown = checked && !counter.isFull();
                if (drain) {
                    return agentEnabled ? "DRAIN (agent)" : goingDown ? "DRAIN " + up + '/' + counter.fall() : "DRAIN";
                }
                if (!checked) {
                    return "no check";
                }
                return goingDown ? "UP " + up + '/' + counter.fall() : "UP";
            }
            case NOLB -> {
                return !checked || counter.isFull() ? "NOLB" : "NOLB " + up + '/' + counter.fall();
            }
            default -> {
                if (agentEnabled && agent.health() == 0) {
                    return "DOWN (agent)";
                }
                if (checked && counter.health() == 0) {
                    return "DOWN";
                }
                if (checked || agentEnabled) {
                    return "DOWN " + counter.health() + '/' + counter.rise();
                }
                return "DOWN";
            }
        }
    }

    /**
     * Returns the state word of the {@code X-Haproxy-Server-State} header ({@code http-check send-state},
     * spec §4.4): {@code UP}, {@code UP 1/3}, {@code NOLB}, {@code NOLB 2/3}, {@code DOWN}, {@code DOWN 1/2} or
     * {@code no check}.
     *
     * @return the state text, never null
     */
    public String sendStateText() {
        if (!checked) {
            return "no check";
        }
        if (state != ServerState.DOWN) {
            String word = state == ServerState.NOLB ? "NOLB" : "UP";
            return counter.isFull() ? word
                    : word + ' ' + (counter.health() - counter.rise() + 1) + '/' + counter.fall();
        }
        return counter.health() == 0 ? "DOWN" : "DOWN " + counter.health() + '/' + counter.rise();
    }

    /**
     * Applies the runtime API's {@code set server B/S state ready|drain|maint} ({@code enable server} is
     * {@code ready}, {@code disable server} is {@code maint}; server.c {@code srv_adm_set_*}, spec §1.5, §10.3):
     * {@code ready} clears the drain then the maintenance, {@code drain} sets the drain then clears the
     * maintenance, {@code maint} sets the maintenance then clears the drain. A flag changed while in
     * maintenance logs nothing; leaving maintenance resets a checked server's health to {@code rise} and brings
     * it UP at once unless its agent holds it DOWN, and leaving it into drain adds
     * {@code remains in forced drain mode}. A request that changes nothing gives a step without transitions.
     *
     * @param request the requested admin state; never null
     * @return the step
     * @throws NullPointerException if {@code request} is null
     */
    public HealthStep setAdminState(AdminRequest request) {
        Objects.requireNonNull(request, "request");
        List<Transition> transitions = new ArrayList<>();
        ServerHealth current = this;
        switch (request) {
            case READY -> current = current.clearDrain(transitions).clearMaintenance(transitions);
            case DRAIN -> current = current.setDrain(transitions).clearMaintenance(transitions);
            case MAINT -> current = current.setMaintenance(transitions).clearDrain(transitions);
        }
        return new HealthStep(this, current, transitions);
    }

    /**
     * Applies the runtime API's {@code set server B/S health up|stopping|down} (spec §10.3): the health counter
     * goes to its maximum ({@code up}, {@code stopping}) or to 0 ({@code down}), then the server goes UP, NOLB
     * or DOWN with the text reason, unless it is in maintenance or already there. The counter change alone logs
     * nothing.
     *
     * @param target {@link ServerState#UP}, {@link ServerState#NOLB} or {@link ServerState#DOWN}; never null
     * @param reason the reason of the state line, e.g. {@code changed from CLI}; never null
     * @return the step
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code target} is {@link ServerState#STARTING}
     */
    public HealthStep setHealth(ServerState target, String reason) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(reason, "reason");
        if (target == ServerState.STARTING) {
            throw new IllegalArgumentException("target: STARTING (expected: UP, NOLB or DOWN)");
        }
        int health = target == ServerState.DOWN ? 0 : counter.rise() + counter.fall() - 1;
        ServerHealth counted = new ServerHealth(new HealthCounter(counter.rise(), counter.fall(), health), state,
                maintenance, lastOutcome, drain, weight, agent, checked, slowStart);
        return forced(counted, target, reason);
    }

    /**
     * Applies the runtime API's {@code set server B/S agent up|down} (spec §10.3): the agent's health goes to 1
     * or 0, then the server goes UP or DOWN with the text reason, unless it is in maintenance or already there
     * (the health check is not consulted, as in HAProxy).
     *
     * @param up     true for {@code up}
     * @param reason the reason of the state line, e.g. {@code changed from CLI}; never null
     * @return the step
     * @throws NullPointerException  if {@code reason} is null
     * @throws IllegalStateException if the server has no agent or its agent is disabled
     */
    public HealthStep setAgentHealth(boolean up, String reason) {
        Objects.requireNonNull(reason, "reason");
        if (agent == null || !agent.enabled()) {
            throw new IllegalStateException("agent checks are not enabled on this server");
        }
        ServerHealth counted = withAgent(new AgentHealth(up ? 1 : 0, agent.lastOutcome(), true));
        return forced(counted, up ? ServerState.UP : ServerState.DOWN, reason);
    }

    /**
     * Applies a user weight from the runtime API ({@code set weight}, {@code set server B/S weight}; spec §9.2):
     * no line of its own; a drained server adds {@code remains in forced drain mode}.
     *
     * @param next the user weight, 0..256
     * @return the step
     * @throws IllegalArgumentException if {@code next} is outside 0..256
     */
    public HealthStep setWeight(int next) {
        ServerHealth weighted = withWeight(next);
        List<Transition> transitions = new ArrayList<>();
        transitions.add(new Transition(Transition.Kind.WEIGHT, this, weighted));
        if (weighted.drain) {
            transitions.add(new Transition(Transition.Kind.DRAIN_REMAINS, weighted, weighted));
        }
        return new HealthStep(this, weighted, transitions);
    }

    /**
     * Enables or disables the health check (runtime API {@code enable|disable health}, spec §10.3). Disabling
     * freezes the state: a DOWN server stays DOWN, an UP one shows {@code no check}; enabling does not reset the
     * counter. Logs nothing.
     *
     * @param enabled true to enable
     * @return the step, without transitions when nothing changes
     */
    public HealthStep setCheckEnabled(boolean enabled) {
        if (enabled == checked) {
            return new HealthStep(this, this, List.of());
        }
        ServerHealth after = new ServerHealth(counter, state, maintenance, lastOutcome, drain, weight, agent,
                enabled, slowStart);
        return new HealthStep(this, after, List.of(new Transition(Transition.Kind.QUIET, this, after)));
    }

    /**
     * Enables or disables the agent check (runtime API {@code enable|disable agent}, spec §10.3). Logs nothing.
     *
     * @param enabled true to enable
     * @return the step, without transitions when nothing changes
     * @throws IllegalStateException if the server has no {@code agent-check}
     */
    public HealthStep setAgentEnabled(boolean enabled) {
        if (agent == null) {
            throw new IllegalStateException("the server has no agent-check");
        }
        if (enabled == agent.enabled()) {
            return new HealthStep(this, this, List.of());
        }
        ServerHealth after = withAgent(agent.withEnabled(enabled));
        return new HealthStep(this, after, List.of(new Transition(Transition.Kind.QUIET, this, after)));
    }

    /**
     * Ends a {@code slowstart} warm-up (server.c {@code server_warmup}, spec §9.3): a {@link ServerState#STARTING}
     * server becomes {@link ServerState#UP} (RUNNING), which HAProxy logs as a second "is UP" line without a
     * reason. The caller decides when: {@code slowstart} (whole seconds, rounded up) after the server entered
     * STARTING.
     *
     * @return the step; without transitions when the server is not STARTING (it went DOWN or into maintenance
     *         meanwhile)
     */
    public HealthStep warmupEnded() {
        if (state != ServerState.STARTING) {
            return new HealthStep(this, this, List.of());
        }
        ServerHealth after = withState(ServerState.UP);
        List<Transition> transitions = new ArrayList<>();
        addStateChange(transitions, this, after);
        return new HealthStep(this, after, transitions);
    }

    /** srv_set_running's target: STARTING when the server has {@code slowstart}, else UP (RUNNING). */
    private ServerState running() {
        return slowStart ? ServerState.STARTING : ServerState.UP;
    }

    /** srv_set_running / srv_set_stopping / srv_set_stopped with a text reason, after a counter change. */
    private HealthStep forced(ServerHealth counted, ServerState target, String reason) {
        List<Transition> transitions = new ArrayList<>();
        transitions.add(new Transition(Transition.Kind.QUIET, this, counted));
        boolean already = switch (target) {
            case UP -> counted.state == ServerState.UP || counted.state == ServerState.STARTING;
            default -> counted.state == target;
        };
        ServerHealth after = counted;
        if (!counted.maintenance && !already) {
            after = counted.withState(target == ServerState.UP ? running() : target);
            transitions.add(new Transition(Transition.Kind.STATE, counted, after, reason));
            if (after.drain) {
                transitions.add(new Transition(Transition.Kind.DRAIN_REMAINS, after, after));
            }
        }
        return new HealthStep(this, after, transitions);
    }

    private ServerHealth setDrain(List<Transition> transitions) {
        if (drain) {
            return this;
        }
        ServerHealth after = new ServerHealth(counter, state, maintenance, lastOutcome, true, weight, agent, checked,
                slowStart);
        transitions.add(new Transition(maintenance ? Transition.Kind.QUIET : Transition.Kind.DRAIN_ON, this, after));
        return after;
    }

    private ServerHealth clearDrain(List<Transition> transitions) {
        if (!drain) {
            return this;
        }
        ServerHealth after = new ServerHealth(counter, state, maintenance, lastOutcome, false, weight, agent,
                checked, slowStart);
        transitions.add(new Transition(maintenance ? Transition.Kind.QUIET : Transition.Kind.DRAIN_OFF, this, after));
        return after;
    }

    private ServerHealth setMaintenance(List<Transition> transitions) {
        if (maintenance) {
            return this;
        }
        ServerHealth after = new ServerHealth(new HealthCounter(counter.rise(), counter.fall(), 0),
                ServerState.DOWN, true, lastOutcome, drain, weight, agent, checked, slowStart);
        transitions.add(new Transition(Transition.Kind.MAINT_ON, this, after));
        return after;
    }

    private ServerHealth clearMaintenance(List<Transition> transitions) {
        if (!maintenance) {
            return this;
        }
        boolean agentGood = agent == null || agent.isGood();
        HealthCounter reset = checked ? HealthCounter.initial(counter.rise(), counter.fall()) : counter;
        ServerHealth after = new ServerHealth(reset, agentGood ? running() : ServerState.DOWN, false,
                lastOutcome, drain, weight, agent, checked, slowStart);
        transitions.add(new Transition(Transition.Kind.MAINT_OFF, this, after));
        if (drain) {
            transitions.add(new Transition(Transition.Kind.DRAIN_REMAINS, after, after));
        }
        return after;
    }

    private ServerHealth applyAdminWord(String word, List<Transition> transitions) {
        switch (word) {
            case "drain" -> {
                if (drain) {
                    return this;
                }
                ServerHealth after = new ServerHealth(counter, state, maintenance, lastOutcome, true, weight, agent,
                        checked, slowStart);
                if (!maintenance) {
                    transitions.add(new Transition(Transition.Kind.DRAIN_ON, this, after));
                }
                return after;
            }
            case "maint" -> {
                if (maintenance) {
                    return this;
                }
                ServerHealth after = new ServerHealth(new HealthCounter(counter.rise(), counter.fall(), 0),
                        ServerState.DOWN, true, lastOutcome, false, weight, agent, checked, slowStart);
                transitions.add(new Transition(Transition.Kind.MAINT_ON, this, after));
                return after;
            }
            default -> {
                if (maintenance) {
                    boolean agentGood = agent == null || agent.isGood();
                    HealthCounter reset = checked ? HealthCounter.initial(counter.rise(), counter.fall()) : counter;
                    ServerHealth after = new ServerHealth(reset, agentGood ? running() : ServerState.DOWN,
                            false, lastOutcome, false, weight, agent, checked, slowStart);
                    transitions.add(new Transition(Transition.Kind.MAINT_OFF, this, after));
                    return after;
                }
                if (drain) {
                    ServerHealth after = new ServerHealth(counter, state, false, lastOutcome, false, weight, agent,
                            checked, slowStart);
                    transitions.add(new Transition(Transition.Kind.DRAIN_OFF, this, after));
                    return after;
                }
                return this;
            }
        }
    }

    private void addStateChange(List<Transition> transitions, ServerHealth before, ServerHealth after) {
        if (before.state == after.state) {
            return;
        }
        transitions.add(new Transition(Transition.Kind.STATE, before, after));
        if (after.drain) {
            transitions.add(new Transition(Transition.Kind.DRAIN_REMAINS, after, after));
        }
    }

    private ServerHealth withCheck(HealthCounter next, CheckOutcome outcome) {
        if (next == counter && outcome.equals(lastOutcome)) {
            // a steady server's check: the state after it equals this one, so this one is it (no allocation)
            return this;
        }
        return new ServerHealth(next, state, maintenance, outcome, drain, weight, agent, checked, slowStart);
    }

    private ServerHealth withState(ServerState next) {
        return next == state ? this : new ServerHealth(counter, next, maintenance, lastOutcome, drain, weight, agent,
                checked, slowStart);
    }

    private ServerHealth withWeight(int next) {
        return new ServerHealth(counter, state, maintenance, lastOutcome, drain, next, agent, checked, slowStart);
    }

    private ServerHealth withAgent(AgentHealth next) {
        return new ServerHealth(counter, state, maintenance, lastOutcome, drain, weight, next, checked, slowStart);
    }
}
