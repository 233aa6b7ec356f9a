package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.health.AgentHealth;
import io.haprobe.health.ServerHealth;

import java.util.Objects;
import java.util.Optional;

/**
 * An immutable view of one server at one moment, in values only: what {@code show stat} shows in its
 * {@code status}, {@code weight}, {@code check_status}, {@code check_code}, {@code last_chk},
 * {@code check_duration}, {@code check_rise}, {@code check_fall}, {@code check_health} and {@code agent_status}
 * columns (spec §10.1).
 *
 * <p>Immutable and thread-safe; take a new one with {@link HealthCheckEngine#server(String, String)} or
 * {@link HealthCheckEngine#servers()}. Equal when every value is.
 *
 * <pre>{@code
 * ServerSnapshot web1 = engine.server("app", "web1").orElseThrow();
 * if (web1.state() == ServerState.DOWN && !web1.maintenance()) {
 *     System.out.println(web1.id() + " " + web1.statusText() + " " + web1.lastStatus().tag());
 * }
 * }</pre>
 */
public final class ServerSnapshot {

    private final String backend;
    private final String server;
    private final String checkTarget;
    private final boolean backup;
    private final int weight;
    private final ServerState state;
    private final boolean maintenance;
    private final boolean drain;
    private final int currentWeight;
    private final boolean checked;
    private final int checkHealth;
    private final int rise;
    private final int fall;
    private final CheckOutcome lastOutcome;
    private final boolean agentChecked;
    private final CheckOutcome agentOutcome;
    private final String statusText;

    /**
     * Copies the values of one server's state.
     *
     * @param backend     the backend or listen section; never null
     * @param server      the server name; never null
     * @param checkTarget the address and port checks connect to, as {@code host:port}; never null
     * @param backup      whether it is a {@code backup} server
     * @param weight      the configured weight, 0..256
     * @param health      the server's state now; never null
     * @throws NullPointerException if an argument is null
     */
    ServerSnapshot(String backend, String server, String checkTarget, boolean backup, int weight,
                   ServerHealth health) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.server = Objects.requireNonNull(server, "server");
        this.checkTarget = Objects.requireNonNull(checkTarget, "checkTarget");
        this.backup = backup;
        this.weight = weight;
        this.state = health.state();
        this.maintenance = health.maintenance();
        this.drain = health.drain();
        this.currentWeight = health.weight();
        this.checked = health.checked();
        this.checkHealth = health.counter().health();
        this.rise = health.counter().rise();
        this.fall = health.counter().fall();
        this.lastOutcome = health.lastOutcome();
        AgentHealth agent = health.agent();
        this.agentChecked = agent != null;
        this.agentOutcome = agent == null ? null : agent.lastOutcome();
        this.statusText = health.statusText();
    }

    /**
     * Returns the backend or listen section.
     *
     * @return the section name, never null
     */
    public String backend() {
        return backend;
    }

    /**
     * Returns the server name.
     *
     * @return the name, never null
     */
    public String server() {
        return server;
    }

    /**
     * Returns {@code backend/server}.
     *
     * @return the qualified name, never null
     */
    public String id() {
        return backend + '/' + server;
    }

    /**
     * Returns the address and port the health checks connect to ({@code addr}, {@code port}, else the server's).
     *
     * @return {@code host:port}, never null
     */
    public String checkTarget() {
        return checkTarget;
    }

    /**
     * Tells whether it is a {@code backup} server.
     *
     * @return true for a backup server
     */
    public boolean backup() {
        return backup;
    }

    /**
     * Returns the configured weight ({@code weight}; {@code iweight} in HAProxy).
     *
     * @return the weight, 0..256
     */
    public int weight() {
        return weight;
    }

    /**
     * Returns the current weight: the configured one, or what the agent set ({@code 50%}); {@code uweight} in
     * HAProxy, the {@code weight} column of {@code show stat}.
     *
     * @return the user weight, 0..256
     */
    public int currentWeight() {
        return currentWeight;
    }

    /**
     * Returns the operational state.
     *
     * @return the state, never null; {@link ServerState#DOWN} while in maintenance
     */
    public ServerState state() {
        return state;
    }

    /**
     * Tells whether the server is in maintenance ({@code disabled}, agent {@code maint}): its health check is
     * paused and {@code show stat} shows none of its check columns.
     *
     * @return true in maintenance
     */
    public boolean maintenance() {
        return maintenance;
    }

    /**
     * Tells whether the server is in forced drain (agent {@code drain}): UP but given no new traffic.
     *
     * @return true while drained
     */
    public boolean drain() {
        return drain;
    }

    /**
     * Tells whether the server has {@code check}; without it, it is always UP and shows {@code no check}.
     *
     * @return true if health checks are configured
     */
    public boolean checked() {
        return checked;
    }

    /**
     * Returns the health check's counter ({@code check_health}): 0 is fully down, {@code rise + fall - 1} fully
     * up, and a server is UP from {@code rise} on (spec §1.2). 0 in maintenance.
     *
     * @return the counter, {@code 0..rise+fall-1}
     */
    public int checkHealth() {
        return checkHealth;
    }

    /**
     * Returns {@code rise}: consecutive successful checks to go UP.
     *
     * @return rise, {@code >= 1}
     */
    public int rise() {
        return rise;
    }

    /**
     * Returns {@code fall}: consecutive failed checks to go DOWN.
     *
     * @return fall, {@code >= 1}
     */
    public int fall() {
        return fall;
    }

    /**
     * Returns the outcome of the last completed health check.
     *
     * @return the outcome, or empty before the first check and for servers without {@code check}
     */
    public Optional<CheckOutcome> lastOutcome() {
        return Optional.ofNullable(lastOutcome);
    }

    /**
     * Returns the status of the last completed health check.
     *
     * @return the status, {@link CheckStatus#INI} before the first check; never null
     */
    public CheckStatus lastStatus() {
        return lastOutcome == null ? CheckStatus.INI : lastOutcome.status();
    }

    /**
     * Tells whether the server has {@code agent-check}.
     *
     * @return true if an agent check runs besides the health check
     */
    public boolean agentChecked() {
        return agentChecked;
    }

    /**
     * Returns the outcome of the last completed agent check ({@code agent-check}).
     *
     * @return the outcome, or empty before the first agent check and for servers without an agent
     */
    public Optional<CheckOutcome> agentOutcome() {
        return Optional.ofNullable(agentOutcome);
    }

    /**
     * Returns the {@code status} column of {@code show stat}: {@code UP}, {@code UP 1/3}, {@code DOWN},
     * {@code DOWN 1/2}, {@code NOLB}, {@code MAINT}, {@code DRAIN}, {@code DRAIN (agent)},
     * {@code DOWN (agent)}, or {@code no check}.
     *
     * @return the status text, never null
     */
    public String statusText() {
        return statusText;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ServerSnapshot that)) {
            return false;
        }
        return backup == that.backup && weight == that.weight && maintenance == that.maintenance
                && drain == that.drain && currentWeight == that.currentWeight && checked == that.checked
                && checkHealth == that.checkHealth && rise == that.rise && fall == that.fall
                && agentChecked == that.agentChecked && backend.equals(that.backend) && server.equals(that.server)
                && checkTarget.equals(that.checkTarget) && state == that.state
                && Objects.equals(lastOutcome, that.lastOutcome) && Objects.equals(agentOutcome, that.agentOutcome)
                && statusText.equals(that.statusText);
    }

    @Override
    public int hashCode() {
        return Objects.hash(backend, server, checkTarget, backup, weight, state, maintenance, drain, currentWeight,
                checked, checkHealth, rise, fall, lastOutcome, agentChecked, agentOutcome);
    }

    @Override
    public String toString() {
        return "ServerSnapshot[" + id() + " " + statusText + ", " + lastStatus().tag() + ", health " + checkHealth
                + "/" + Math.min((long) rise + fall - 1, Integer.MAX_VALUE) + ", weight " + currentWeight + "/" + weight
                + (agentChecked ? ", agent " + (agentOutcome == null ? "INI" : agentOutcome.status().tag()) : "")
                + "]";
    }
}
