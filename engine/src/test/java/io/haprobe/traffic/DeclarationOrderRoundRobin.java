package io.haprobe.traffic;

import java.util.List;
import java.util.Objects;

/**
 * A test-only {@link LoadBalancer}: round robin in declaration order over the usable servers that are not full,
 * ignoring weights. Active servers while one is usable, else the first usable backup, or every usable backup
 * with {@code allBackups} (spec §9.1), the first backup even when it is full, as HAProxy's lookups return
 * {@code lbprm.fbck}. A server to avoid is skipped unless it is the only candidate, as
 * HAProxy's lookups do. Enough to test the request model without the real algorithms.
 */
final class DeclarationOrderRoundRobin implements LoadBalancer {

    private final List<? extends LbServer> servers;
    private final boolean allBackups;
    private int next;

    DeclarationOrderRoundRobin(List<? extends LbServer> servers, boolean allBackups) {
        this.servers = List.copyOf(servers);
        this.allBackups = allBackups;
    }

    @Override
    public LbServer pick(Request request, LbServer avoid) {
        Objects.requireNonNull(request, "request");
        boolean anyActive = servers.stream().anyMatch(s -> !s.backup() && s.usable());
        LbServer firstBackup = servers.stream().filter(s -> s.backup() && s.usable()).findFirst().orElse(null);
        if (!anyActive && !allBackups && firstBackup != null) {
            // lb_fwrr.c and the others: without allbackups the first backup is returned even when full
            return firstBackup;
        }
        LbServer avoided = null;
        for (int i = 0; i < servers.size(); i++) {
            int at = (next + i) % servers.size();
            LbServer s = servers.get(at);
            boolean eligible = s.usable() && !s.full() && (anyActive ? !s.backup()
                    : s.backup() && (allBackups || s == firstBackup));
            if (!eligible) {
                continue;
            }
            if (s == avoid) {
                avoided = s;
                continue;
            }
            next = at + 1;
            return s;
        }
        return avoided;
    }

    @Override
    public void update(LbServer server) {
    }

    @Override
    public void taken(LbServer server) {
    }

    @Override
    public void released(LbServer server) {
    }
}
