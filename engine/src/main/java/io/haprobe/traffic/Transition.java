package io.haprobe.traffic;

import java.util.List;
import java.util.Objects;

/**
 * What a server's state change did to the traffic, with the numbers HAProxy's transition line prints (spec
 * §8.1, server.c {@code srv_append_status()}):
 * <ul>
 *   <li>DOWN form: {@code "<active> active and <backup> backup servers left.[ Running on backup.] <sessions>
 *       sessions active, <requeued> requeued, <queued> remaining in queue."}</li>
 *   <li>UP form: {@code "<active> active and <backup> backup servers online.[ Running on backup.] <requeued>
 *       sessions requeued, <queued> total in queue."}</li>
 * </ul>
 *
 * <p>Immutable.
 *
 * @param active    usable active servers of the backend after the change ({@code srv_act})
 * @param backup    usable backup servers after the change ({@code srv_bck})
 * @param sessions  the server's current sessions ({@code cur_sess}) when the line is built
 * @param requeued  DOWN, DRAIN, NOLB, MAINT: entries handed back to load balancing from the server's queue
 *                  ({@code pendconn_redistribute()}, only with {@code option redispatch} and without
 *                  {@code option persist}); UP: entries the server took from the backend queue
 *                  ({@code pendconn_grab_from_px()}); 0 when the change moves nothing
 * @param queued    the server's queue length when the line is built ({@code srv->queue.length})
 * @param logged    true when the change is one of those that print counts (DOWN, NOLB, UP, going DOWN for
 *                  maintenance, entering drain); false for changes HAProxy logs without counts or not at all
 *                  (leaving maintenance, leaving drain, weight changes)
 * @param effects   what the change decided for other streams, in order: requeued streams (connect elsewhere,
 *                  queue again or 503), streams taken from the backend queue (connect), streams killed by
 *                  {@code on-marked-down shutdown-sessions}; never null
 */
public record Transition(int active, int backup, int sessions, int requeued, int queued, boolean logged,
                         List<Decision> effects) {

    /**
     * Validates the components and copies the list.
     *
     * @throws NullPointerException if {@code effects} is null
     */
    public Transition {
        effects = List.copyOf(Objects.requireNonNull(effects, "effects"));
    }

    /**
     * Tells whether the line says {@code Running on backup.}: a backup is usable and no active server is.
     *
     * @return true when {@code backup > 0 && active == 0}
     */
    public boolean runningOnBackup() {
        return backup > 0 && active == 0;
    }
}
