package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.ServerState;
import io.haprobe.health.ServerHealth;

import java.util.Objects;
import java.util.Optional;

/**
 * An immutable view of one server at one moment: what {@code show stat} shows in its {@code status},
 * {@code check_status}, {@code check_code}, {@code last_chk} and {@code check_duration} columns.
 *
 * <p>Immutable and thread-safe; take a new one with {@link HealthCheckEngine#server(String, String)}.
 *
 * @param backend     the backend or listen section; never null
 * @param server      the server name; never null
 * @param checkTarget the address and port checks connect to, as {@code host:port}; never null
 * @param backup      whether it is a {@code backup} server
 * @param checked     whether the server has {@code check} (false: "no check", always UP)
 * @param weight      the configured weight, 0..256
 * @param health      the health state; never null
 */
public record ServerSnapshot(String backend, String server, String checkTarget, boolean backup, boolean checked,
                             int weight, ServerHealth health) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     */
    public ServerSnapshot {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(checkTarget, "checkTarget");
        Objects.requireNonNull(health, "health");
    }

    /**
     * Returns the operational state.
     *
     * @return the state, never null
     */
    public ServerState state() {
        return health.state();
    }

    /**
     * Returns the outcome of the last completed check.
     *
     * @return the outcome, or empty before the first check and for servers without {@code check}
     */
    public Optional<CheckOutcome> lastOutcome() {
        return Optional.ofNullable(health.lastOutcome());
    }

    /**
     * Returns the {@code status} column of {@code show stat}: {@code UP}, {@code UP 1/3}, {@code DOWN},
     * {@code DOWN 1/2}, {@code NOLB}, {@code MAINT}, {@code DRAIN}, {@code DRAIN (agent)},
     * {@code DOWN (agent)}, or {@code no check}.
     *
     * @return the status text, never null
     */
    public String statusText() {
        return health.statusText();
    }

    /**
     * Returns the outcome of the last completed agent check ({@code agent-check}).
     *
     * @return the outcome, or empty before the first agent check and for servers without an agent
     */
    public Optional<CheckOutcome> agentOutcome() {
        return health.agent() == null ? Optional.empty() : Optional.ofNullable(health.agent().lastOutcome());
    }

    /**
     * Returns the current weight: the configured one, or what the agent set ({@code 50%}).
     *
     * @return the user weight, 0..256
     */
    public int currentWeight() {
        return health.weight();
    }

    /**
     * Returns {@code backend/server}.
     *
     * @return the qualified name
     */
    public String id() {
        return backend + '/' + server;
    }
}
