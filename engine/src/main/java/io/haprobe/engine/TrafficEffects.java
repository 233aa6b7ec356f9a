package io.haprobe.engine;

import io.haprobe.traffic.BackendTraffic;
import io.haprobe.traffic.Decision;

import java.util.List;

/**
 * Carries out what a server's state change decided about requests in flight (requeued streams, streams taken
 * from the backend queue, killed sessions). Only a simulation with traffic has requests; a live engine has none
 * and uses {@link #NONE}.
 *
 * <p>Threading: called on the engine's event loop, inside the transition that caused the decisions.
 */
@FunctionalInterface
interface TrafficEffects {

    /** No requests: nothing to carry out. */
    TrafficEffects NONE = (backend, decisions) -> { };

    /**
     * Carries out decisions.
     *
     * @param backend   the backend whose model decided; never null
     * @param decisions the decisions, in HAProxy's order; never null, valid during the call only
     */
    void carryOut(BackendTraffic backend, List<Decision> decisions);
}
