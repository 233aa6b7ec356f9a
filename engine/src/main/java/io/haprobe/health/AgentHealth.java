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
 */
public record AgentHealth(int health, CheckOutcome lastOutcome) {

    /** The agent at boot: health 1 (HAProxy's {@code agent.health = agent.rise}), status {@code INI}. */
    public static final AgentHealth BOOT = new AgentHealth(1, null);

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
     * Tells whether the agent lets the server be UP.
     *
     * @return true if the health is 1
     */
    public boolean isGood() {
        return health == 1;
    }

    /**
     * Returns the status of the last agent check, {@link CheckStatus#INI} before the first one.
     *
     * @return the status, never null
     */
    public CheckStatus lastStatus() {
        return lastOutcome == null ? CheckStatus.INI : lastOutcome.status();
    }
}
