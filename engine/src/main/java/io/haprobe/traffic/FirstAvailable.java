package io.haprobe.traffic;

import java.util.List;
import java.util.Objects;

/**
 * {@code balance first}: the usable server with the lowest id that has room (lb_fas.c
 * {@code fas_get_next_server}). Servers are ordered by {@link LbServer#puid()}, unique in a backend, so the
 * order never changes as connections come and go; a server without {@code maxconn} always has room, so it
 * takes everything once reached.
 *
 * <p>Not thread-safe.
 */
final class FirstAvailable extends AbstractLoadBalancer {

    private final RankedSet active;
    private final RankedSet backups;

    FirstAvailable(List<? extends LbServer> servers, boolean allBackups) {
        super(servers, allBackups);
        int n = this.servers.length;
        active = new RankedSet(n);
        backups = new RankedSet(n);
        readAll();
        for (int i = 0; i < n; i++) {
            if (usable[i]) {
                (backup[i] ? backups : active).insert(i, this.servers[i].puid());
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
            if (hasRoom(s)) {
                if (s != avoidIndex) {
                    return servers[s];
                }
                avoided = s;
            }
        }
        return server(avoided);
    }

    @Override
    void changed(int i, boolean wasUsable, boolean isUsable) {
        RankedSet set = backup[i] ? backups : active;
        if (isUsable) {
            if (!set.contains(i)) {
                set.insert(i, servers[i].puid());
            }
        } else {
            set.remove(i);
        }
    }
}
