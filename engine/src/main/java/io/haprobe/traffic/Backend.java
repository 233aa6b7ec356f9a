package io.haprobe.traffic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One backend (or listen section) as load balancing sees it: its servers in declaration order, which of them
 * are usable, and the counts and weights HAProxy derives from them (spec §9.1).
 *
 * <table>
 *   <caption>What it counts</caption>
 *   <tr><th>method</th><th>HAProxy</th><th>meaning</th></tr>
 *   <tr><td>{@link #activeServers()}</td><td>{@code px->srv_act}</td><td>usable servers without
 *       {@code backup}</td></tr>
 *   <tr><td>{@link #backupServers()}</td><td>{@code px->srv_bck}</td><td>usable {@code backup} servers</td></tr>
 *   <tr><td>{@link #activeWeight()}</td><td>{@code px->lbprm.tot_wact}</td><td>the weights of the usable active
 *       servers</td></tr>
 *   <tr><td>{@link #backupWeight()}</td><td>{@code px->lbprm.tot_wbck}</td><td>the weights of the usable backup
 *       servers</td></tr>
 *   <tr><td>{@link #totalWeight()}</td><td>{@code px->lbprm.tot_weight}</td><td>the weight traffic is spread
 *       over: the active servers', else the backups'</td></tr>
 * </table>
 *
 * <p>A server is usable as HAProxy's {@code srv_willbe_usable()} says: the caller tells whether it is UP (or
 * starting) and neither in maintenance nor draining; a weight of 0 makes it unusable whatever the caller says.
 * HAProxy recounts every server on each change ({@code recount_servers()}); {@link Server#update} gives the same
 * counts in constant time, and {@link #recount()} recounts from scratch.
 *
 * <p>Weights are user weights ({@code weight}, changed by an agent's {@code N%}), 0..256; the effective weights
 * of balance algorithms and slowstart (spec §9.2, §9.3) are not modelled yet.
 *
 * <p>Not thread-safe: a backend and its servers are mutable and confined to one thread, the one that applies
 * its servers' health changes (in the engine, the event loop of the transport's scheduler).
 *
 * <pre>{@code
 * Backend be = new Backend("app");
 * Backend.Server web1 = be.addServer("web1", false, true, 10);
 * Backend.Server spare = be.addServer("spare", true, true, 1);
 * web1.update(false, 10);            // web1 goes DOWN
 * be.activeServers();                // 0
 * be.backupServers();                // 1: "Running on backup."
 * }</pre>
 */
public final class Backend {

    private final String name;
    private final List<Server> servers = new ArrayList<>();
    private int activeServers;
    private int backupServers;
    private int activeWeight;
    private int backupWeight;

    /**
     * Creates a backend without servers.
     *
     * @param name the backend or listen section's name; never null
     * @throws NullPointerException if {@code name} is null
     */
    public Backend(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Returns the backend's name.
     *
     * @return the name, never null
     */
    public String name() {
        return name;
    }

    /**
     * Adds a server after the others (declaration order) and counts it.
     *
     * @param name   the server's name; never null
     * @param backup the {@code backup} keyword
     * @param usable whether it takes new traffic now (UP or starting, not in maintenance, not draining)
     * @param weight its current user weight, 0..256; 0 makes it unusable
     * @return the server, whose {@link Server#update} keeps this backend's counts current
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException if {@code weight} is outside 0..256
     */
    public Server addServer(String name, boolean backup, boolean usable, int weight) {
        Server server = new Server(Objects.requireNonNull(name, "name"), backup);
        server.update(usable, weight);
        servers.add(server);
        return server;
    }

    /**
     * Returns the servers in declaration order.
     *
     * @return an unmodifiable view, never null
     */
    public List<Server> servers() {
        return Collections.unmodifiableList(servers);
    }

    /**
     * Recounts the usable servers and their weights from scratch, as HAProxy's {@code recount_servers()} does
     * after every change. The counts are always current already; this gives the same values.
     */
    public void recount() {
        activeServers = 0;
        backupServers = 0;
        activeWeight = 0;
        backupWeight = 0;
        for (Server server : servers) {
            server.count(1);
        }
    }

    /**
     * Returns the usable active servers ({@code srv_act}): the "N active" of HAProxy's transition lines.
     *
     * @return the count, {@code >= 0}
     */
    public int activeServers() {
        return activeServers;
    }

    /**
     * Returns the usable backup servers ({@code srv_bck}): the "M backup" of HAProxy's transition lines.
     *
     * @return the count, {@code >= 0}
     */
    public int backupServers() {
        return backupServers;
    }

    /**
     * Tells whether any server, active or backup, is usable. When the last one goes, HAProxy logs
     * {@code backend <name> has no server available!}.
     *
     * @return true if {@code srv_act + srv_bck > 0}
     */
    public boolean hasUsableServer() {
        return activeServers + backupServers > 0;
    }

    /**
     * Returns the sum of the user weights of the usable active servers ({@code tot_wact}).
     *
     * @return the weight, {@code >= 0}
     */
    public int activeWeight() {
        return activeWeight;
    }

    /**
     * Returns the sum of the user weights of the usable backup servers ({@code tot_wbck}).
     *
     * @return the weight, {@code >= 0}
     */
    public int backupWeight() {
        return backupWeight;
    }

    /**
     * Returns the weight traffic is spread over ({@code tot_weight}, backend.c {@code update_backend_weight()}):
     * the active servers' while one is usable, else the backups'. It is the total of the {@code weight=w/total}
     * part of the {@code send-state} header (spec §4.4). Without {@code option allbackups} HAProxy counts only
     * the first usable backup ({@code lbprm.fbck}); this model does not know {@code allbackups} yet and counts
     * every usable backup, as with it.
     *
     * @return the weight, {@code >= 0}
     */
    public int totalWeight() {
        return activeServers > 0 ? activeWeight : backupWeight;
    }

    @Override
    public String toString() {
        return "Backend[" + name + ": " + activeServers + " active (weight " + activeWeight + "), "
                + backupServers + " backup (weight " + backupWeight + ")]";
    }

    /**
     * One server of a {@link Backend}, as load balancing sees it: whether it is a backup, usable, and its
     * weight. Not thread-safe: confined with its backend.
     */
    public final class Server {

        private final String name;
        private final boolean backup;
        private boolean usable;
        private int weight;

        private Server(String name, boolean backup) {
            this.name = name;
            this.backup = backup;
        }

        /**
         * Returns the server's name.
         *
         * @return the name, never null
         */
        public String name() {
            return name;
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
         * Tells whether it takes new traffic ({@code srv_willbe_usable()}): usable as last updated, with a
         * weight above 0.
         *
         * @return true if counted in {@link #activeServers()} or {@link #backupServers()}
         */
        public boolean usable() {
            return usable;
        }

        /**
         * Returns its current user weight.
         *
         * @return the weight, 0..256
         */
        public int weight() {
            return weight;
        }

        /**
         * Records a change of the server (a check, an agent reply, an admin or weight change) and updates the
         * backend's counts, as HAProxy's {@code recount_servers()} would after it.
         *
         * @param usable whether it takes new traffic now (UP or starting, not in maintenance, not draining)
         * @param weight its current user weight, 0..256; 0 makes it unusable
         * @throws IllegalArgumentException if {@code weight} is outside 0..256
         */
        public void update(boolean usable, int weight) {
            if (weight < 0 || weight > 256) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: 0..256)");
            }
            count(-1);
            this.usable = usable && weight > 0;
            this.weight = weight;
            count(1);
        }

        /** Adds ({@code sign} 1) or removes ({@code sign} -1) this server's share of its backend's counts. */
        private void count(int sign) {
            if (!usable) {
                return;
            }
            if (backup) {
                backupServers += sign;
                backupWeight += sign * weight;
            } else {
                activeServers += sign;
                activeWeight += sign * weight;
            }
        }

        @Override
        public String toString() {
            return name + (backup ? " (backup)" : "") + (usable ? " usable" : " unusable") + ", weight " + weight;
        }
    }
}
