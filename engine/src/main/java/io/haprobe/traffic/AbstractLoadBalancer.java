package io.haprobe.traffic;

import java.util.List;
import java.util.Objects;

/**
 * What every algorithm shares: the servers in declaration order, the state each was last seen in (HAProxy's
 * {@code cur_state}/{@code cur_eweight}, committed after each change as {@code srv_lb_commit_status} does),
 * and the backend's counts (backend.c {@code recount_servers}, {@code update_backend_weight}): usable active
 * and backup servers, their weights, the first usable backup ({@code lbprm.fbck}, unless
 * {@code option allbackups}), the weight and number of servers traffic goes to.
 *
 * <p>A subclass reacts to a change in {@link #changed(int, boolean, boolean)} while {@link #nextUsable} and
 * {@link #nextWeight} hold the new state and {@link #usable}/{@link #weight} the old one, as HAProxy's
 * {@code set_server_status_up/down} and {@code update_server_eweight} see {@code next_*} and {@code cur_*}.
 *
 * <p>Not thread-safe.
 */
abstract class AbstractLoadBalancer implements LoadBalancer {

    final LbServer[] servers;
    final boolean[] backup;
    final boolean allBackups;
    /** Committed usability ({@code srv_currently_usable}). */
    final boolean[] usable;
    /** Committed effective weight in this algorithm's scale ({@code cur_eweight}). */
    final int[] weight;
    /** Usability being applied ({@code srv_willbe_usable}); equal to {@link #usable} between updates. */
    final boolean[] nextUsable;
    /** Effective weight being applied ({@code next_eweight}); equal to {@link #weight} between updates. */
    final int[] nextWeight;
    int activeCount;
    int backupCount;
    int activeWeight;
    int backupWeight;
    /** The first usable backup in declaration order without {@code allbackups}, else -1. */
    int firstBackup = -1;
    /** {@code lbprm.tot_weight}. */
    int totalWeight;
    /** {@code lbprm.tot_used}. */
    int totalUsed;

    AbstractLoadBalancer(List<? extends LbServer> servers, boolean allBackups) {
        int n = servers.size();
        this.servers = new LbServer[n];
        this.backup = new boolean[n];
        this.allBackups = allBackups;
        this.usable = new boolean[n];
        this.weight = new int[n];
        this.nextUsable = new boolean[n];
        this.nextWeight = new int[n];
        for (int i = 0; i < n; i++) {
            LbServer server = Objects.requireNonNull(servers.get(i), "servers[" + i + "]");
            if (server.index() != i) {
                throw new IllegalArgumentException("servers[" + i + "].index(): " + server.index()
                        + " (expected: " + i + ", servers in declaration order)");
            }
            this.servers[i] = server;
            backup[i] = server.backup();
        }
    }

    /** Reads every server's state as the new state, recounts, and commits it: a backend's start. */
    final void readAll() {
        for (int i = 0; i < servers.length; i++) {
            read(i);
        }
        recount();
        for (int i = 0; i < servers.length; i++) {
            commit(i);
        }
    }

    /**
     * Converts a server's {@link LbServer#eweight()} to this algorithm's scale; identity but for the map of
     * static algorithms.
     */
    int scale(int eweight) {
        return eweight;
    }

    @Override
    public final void update(LbServer server) {
        int i = indexOf(Objects.requireNonNull(server, "server"));
        if (i < 0) {
            throw new IllegalArgumentException("server: " + server + " (expected: one of this balancer's)");
        }
        read(i);
        if (nextUsable[i] == usable[i] && nextWeight[i] == weight[i]) {
            return;
        }
        recountOne(i);
        changed(i, usable[i], nextUsable[i]);
        commit(i);
    }

    @Override
    public void taken(LbServer server) {
    }

    @Override
    public void released(LbServer server) {
    }

    /** Moves server {@code i} in the algorithm's structures; {@code next*} hold the new state. */
    abstract void changed(int i, boolean wasUsable, boolean isUsable);

    /** Returns the index of {@code server}, or -1 if it is null or not one of this balancer's. */
    final int indexOf(LbServer server) {
        if (server == null) {
            return -1;
        }
        int i = server.index();
        return i >= 0 && i < servers.length && servers[i] == server ? i : -1;
    }

    /** HAProxy's test of a server with room for one more connection (not {@link LbServer#full()}). */
    final boolean hasRoom(int i) {
        return !servers[i].full();
    }

    final LbServer server(int i) {
        return i < 0 ? null : servers[i];
    }

    private void read(int i) {
        int e = scale(servers[i].eweight());
        nextWeight[i] = e;
        nextUsable[i] = servers[i].usable() && e > 0;
    }

    private void commit(int i) {
        usable[i] = nextUsable[i];
        weight[i] = nextWeight[i];
    }

    /** {@code recount_servers} then {@code update_backend_weight}, on the new state. */
    /**
     * {@link #recount()} after a change of server {@code i} alone (the others' next state equals their committed
     * one): its old contribution out, its new one in, in O(1) but when the first usable backup stops being usable
     * (then the backups after it are scanned), so that a backend of 100,000 servers does not walk them all on each
     * change.
     */
    private void recountOne(int i) {
        if (usable[i]) {
            if (backup[i]) {
                backupCount--;
                backupWeight -= weight[i];
            } else {
                activeCount--;
                activeWeight -= weight[i];
            }
        }
        if (nextUsable[i]) {
            if (backup[i]) {
                backupCount++;
                backupWeight += nextWeight[i];
            } else {
                activeCount++;
                activeWeight += nextWeight[i];
            }
        }
        if (backup[i] && !allBackups) {
            if (nextUsable[i] && (firstBackup < 0 || i < firstBackup)) {
                firstBackup = i;
            } else if (!nextUsable[i] && firstBackup == i) {
                firstBackup = -1;
                for (int j = i + 1; j < servers.length; j++) {
                    if (backup[j] && nextUsable[j]) {
                        firstBackup = j;
                        break;
                    }
                }
            }
        }
        totals();
    }

    private void recount() {
        activeCount = 0;
        backupCount = 0;
        activeWeight = 0;
        backupWeight = 0;
        firstBackup = -1;
        for (int i = 0; i < servers.length; i++) {
            if (!nextUsable[i]) {
                continue;
            }
            if (backup[i]) {
                if (backupCount == 0 && !allBackups) {
                    firstBackup = i;
                }
                backupCount++;
                backupWeight += nextWeight[i];
            } else {
                activeCount++;
                activeWeight += nextWeight[i];
            }
        }
        totals();
    }

    private void totals() {
        if (activeCount > 0) {
            totalWeight = activeWeight;
            totalUsed = activeCount;
        } else if (firstBackup >= 0) {
            totalWeight = nextWeight[firstBackup];
            totalUsed = 1;
        } else {
            totalWeight = backupWeight;
            totalUsed = backupCount;
        }
    }
}
