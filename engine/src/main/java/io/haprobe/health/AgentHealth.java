package io.haprobe.health;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;

/**
 * The state of a server's agent check ({@code agent-check}, spec §1.1, §7): its health, fixed to rise = fall =
 * 1 (so 1 is "good" and 0 "bad"), and its last outcome. An agent reply with a health word sets the health
 * directly: {@code up} to 1, {@code down}/{@code stopped}/{@code fail} to 0; nothing else moves it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param health      1 (the agent lets the server be UP) or 0 (it keeps the server DOWN)
 * @param lastOutcome the last completed agent check, null before the first one (status {@code INI})
 * @param enabled     false after the runtime API's {@code disable agent} (spec §10.3): the agent's checks stop
 *                    and its health no longer holds the server DOWN
 */
public record AgentHealth(int health, CheckOutcome lastOutcome, boolean enabled) {

    /** The agent at boot: health 1 (HAProxy's {@code agent.health = agent.rise}), status {@code INI}, enabled. */
    public static final AgentHealth BOOT = new AgentHealth(1, null);

    /**
     * Creates an enabled agent's state.
     *
     * @param health      1 or 0
     * @param lastOutcome the last completed agent check, or null
     * @throws IllegalArgumentException if {@code health} is not 0 or 1
     */
    public AgentHealth(int health, CheckOutcome lastOutcome) {
        this(health, lastOutcome, true);
    }

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code health} is not 0 or 1
     */
    public AgentHealth {
        if (health != 0 && health != 1) {
            throw new IllegalArgumentException("health: " + health + " (expected: 0 or 1)");
        }
    }

    /**
     * Returns the agent's health as a counter with rise = fall = 1, for intervals and {@code n/d} fractions.
     *
     * @return the counter
     */
    public HealthCounter counter() {
        return new HealthCounter(1, 1, health);
    }

    /**
     * Tells whether the agent lets the server be UP: it is disabled or its health is 1.
     *
     * @return true if the agent does not hold the server DOWN
     */
    public boolean isGood() {
        return !enabled || health == 1;
    }

    /**
     * Returns the status of the last agent check, {@link CheckStatus#INI} before the first one.
     *
     * @return the status, never null
     */
    public CheckStatus lastStatus() {
        return lastOutcome == null ? CheckStatus.INI : lastOutcome.status();
    }

    /**
     * Returns this agent enabled or disabled (runtime API {@code enable|disable agent}); health and outcome kept.
     *
     * @param next true to enable
     * @return the agent's state, this one when unchanged
     */
    public AgentHealth withEnabled(boolean next) {
        return next == enabled ? this : new AgentHealth(health, lastOutcome, next);
    }
}
