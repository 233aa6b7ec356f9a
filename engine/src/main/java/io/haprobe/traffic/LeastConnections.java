package io.haprobe.traffic;

import java.util.List;
import java.util.Objects;

/**
 * {@code balance leastconn}: HAProxy's fast weighted least connections (lb_fwlc.c {@code fwlc_get_next_server},
 * {@code fwlc_srv_reposition}, {@code fwlc_queue_srv}).
 *
 * <p>Servers are ordered by {@code (served + queued + 1) × 4096 / eweight}, 0 for an idle server, then by when
 * they took that place: a server that takes or releases a connection moves behind the servers of its new key,
 * which is why idle servers take turns in round robin order. A pick walks from the lightest server to the
 * first with room ({@code served + queued < dynamic maxconn + maxqueue} when it has a {@code maxconn}).
 *
 * <p>Not thread-safe.
 */
final class LeastConnections extends AbstractLoadBalancer {

    private static final int EWEIGHT_MAX = 256 * 16;

    private final RankedSet active;
    private final RankedSet backups;
    /** HAProxy's {@code srv->lb_tree}: the tree the server belongs to while usable, else null. */
    private final RankedSet[] tree;

    LeastConnections(List<? extends LbServer> servers, boolean allBackups) {
        super(servers, allBackups);
        int n = this.servers.length;
        active = new RankedSet(n);
        backups = new RankedSet(n);
        tree = new RankedSet[n];
        readAll();
        for (int i = 0; i < n; i++) {
            if (usable[i]) {
                tree[i] = backup[i] ? backups : active;
                tree[i].insert(i, key(i, nextWeight[i]));
            }
        }
    }

    @Override
    public LbServer pick(Request request, LbServer avoid) {
        Objects.requireNonNull(request, "request");
        if (totalWeight == 0) {
            return null;
        }
        RankedSet from;
        if (activeCount > 0) {
            from = active;
        } else if (firstBackup >= 0) {
            return servers[firstBackup];
        } else if (backupCount > 0) {
            from = backups;
        } else {
            return null;
        }
        int avoidIndex = indexOf(avoid);
        int avoided = -1;
        for (int k = 0; k < from.size(); k++) {
            int s = from.get(k);
            LbServer server = servers[s];
            if (server.maxConn() == 0 || server.served() + server.queueLength()
                    < server.dynamicMaxConn() + server.maxQueue()) {
                if (s != avoidIndex) {
                    return server;
                }
                avoided = s;
            }
        }
        return server(avoided);
    }

    @Override
    public void taken(LbServer server) {
        reposition(server);
    }

    @Override
    public void released(LbServer server) {
        reposition(server);
    }

    @Override
    void changed(int i, boolean wasUsable, boolean isUsable) {
        if (!wasUsable && !isUsable) {
            return;
        }
        if (tree[i] != null) {
            tree[i].remove(i);
        }
        if (!isUsable) {
            tree[i] = null;
            return;
        }
        tree[i] = backup[i] ? backups : active;
        tree[i].insert(i, key(i, nextWeight[i]));
    }

    /** {@code fwlc_srv_reposition}: a new key after a connection was taken or released. */
    private void reposition(LbServer server) {
        int i = indexOf(Objects.requireNonNull(server, "server"));
        if (i < 0 || tree[i] == null) {
            return;
        }
        int newKey = key(i, weight[i] == 0 ? 1 : weight[i]);
        if (tree[i].contains(i) && tree[i].key(i) == newKey) {
            return;
        }
        tree[i].insert(i, newKey);
    }

    private int key(int i, int eweight) {
        int inflight = servers[i].served() + servers[i].queueLength();
        return inflight == 0 ? 0 : (int) ((inflight + 1L) * EWEIGHT_MAX / eweight);
    }
}
