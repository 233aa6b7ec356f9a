package io.haprobe.junit;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.engine.ServerSnapshot;

import java.util.Optional;

/**
 * The servers of a run, looked up by {@code backend/server}: what {@link SimulatedHaproxy} and {@link LiveHaproxy}
 * both answer about a server now. Every getter reads one {@link ServerSnapshot}, an immutable view, so it may be
 * called from any thread (Awaitility's polling thread included).
 */
public sealed interface HaproxyServers permits LiveHaproxy, SimulatedHaproxy {

    /**
     * Returns a snapshot of one server now.
     *
     * @param server {@code backend/server}; never null
     * @return the snapshot, never null
     * @throws NullPointerException     if {@code server} is null
     * @throws IllegalArgumentException if no checked section has that server; the message lists those that exist
     */
    ServerSnapshot server(String server);

    /**
     * Returns a server's operational state now: {@link ServerState#UP} (UP) from boot, until its checks
     * take it DOWN ({@link ServerState#DOWN}).
     *
     * @param server {@code backend/server}; never null
     * @return the state, never null
     * @throws NullPointerException     if {@code server} is null
     * @throws IllegalArgumentException as {@link #server(String)}
     */
    default ServerState state(String server) {
        return server(server).state();
    }

    /**
     * Returns a server's {@code status} column of {@code show stat} now: {@code UP}, {@code UP 1/3},
     * {@code DOWN}, {@code DOWN 1/2}, {@code NOLB}, {@code MAINT} or {@code no check}.
     *
     * @param server {@code backend/server}; never null
     * @return the status text, never null
     * @throws NullPointerException     if {@code server} is null
     * @throws IllegalArgumentException as {@link #server(String)}
     */
    default String statusText(String server) {
        return server(server).statusText();
    }

    /**
     * Returns the outcome of a server's last completed check.
     *
     * @param server {@code backend/server}; never null
     * @return the outcome, or empty before the first check
     * @throws NullPointerException     if {@code server} is null
     * @throws IllegalArgumentException as {@link #server(String)}
     */
    default Optional<CheckOutcome> lastOutcome(String server) {
        return server(server).lastOutcome();
    }

    /**
     * Returns the status of a server's last completed check.
     *
     * @param server {@code backend/server}; never null
     * @return the status, {@link CheckStatus#INI} before the first check; never null
     * @throws NullPointerException     if {@code server} is null
     * @throws IllegalArgumentException as {@link #server(String)}
     */
    default CheckStatus lastStatus(String server) {
        return server(server).lastStatus();
    }

    /**
     * Returns a server's last check in compact form: the status tag, the code when the status carries one, the
     * info in quotes when not empty, e.g. {@code L7STS 503 "Service Unavailable"}, {@code L4CON "Connection
     * refused"}; {@code INI} before the first check. The duration, which live sockets cannot predict, is left
     * out.
     *
     * @param server {@code backend/server}; never null
     * @return the compact outcome, never null
     * @throws NullPointerException     if {@code server} is null
     * @throws IllegalArgumentException as {@link #server(String)}
     */
    default String lastCheck(String server) {
        return ServerIds.compact(lastOutcome(server));
    }
}
