package io.haprobe.engine;

import io.haprobe.ServerState;
import io.haprobe.check.CheckProgram;
import io.haprobe.check.HttpRequestEncoder;
import io.haprobe.config.ProxyConfig;
import io.haprobe.health.ServerHealth;
import io.haprobe.traffic.AlgorithmTraits;
import io.haprobe.traffic.Backend;
import io.haprobe.traffic.BackendTraffic;
import io.haprobe.traffic.LoadBalancer;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.function.Supplier;

/**
 * One checked backend or listen section at run time: its compiled check programs, its servers' checkers in
 * declaration order, and its traffic {@link Backend}, whose counts the servers' changes keep current.
 *
 * <p>Threading: the section's servers may be confined to different event loops (servers are spread round robin
 * over the engine's loops), so what they share is guarded by the section's monitor ({@code synchronized (section)}):
 * the backend counts ({@link #traffic()}) and the availability counters, changed by a step that changes a server's
 * state, admin state, weight or usability (taken by {@link TransitionLog}, always after the server's own monitor),
 * so that a transition, its recount and its log line are one atomic step, as under HAProxy's server and backend
 * locks; a check that changes none of these takes only its server's monitor. The counters' getters lock it
 * themselves. {@link #proxy()}, {@link #servers()} and {@link #name()} are immutable and may be read from any
 * thread.
 */
final class CheckedSection {

    private final ProxyConfig proxy;
    private final String node;
    private final int bufferSize;
    private final CheckProgram programUp;
    private final CheckProgram programDown;
    private final Backend traffic;
    private final BackendTraffic requests;
    private final List<ServerChecker> servers;
    private long downTransitions;
    private long lastChangeNanos;
    private long downNanos;
    private boolean down;

    /**
     * Creates the section and its servers' checkers from its plan; nothing is scheduled yet.
     *
     * @param plan  the section's plan; never null
     * @param loops gives each server, in declaration order, the loop its checks are confined to; never null
     * @param trafficRandom the random source of the request model's {@code balance random}; never null
     */
    CheckedSection(CheckPlanner.SectionPlan plan, Supplier<CheckLoop> loops, RandomGenerator trafficRandom) {
        this.proxy = plan.proxy();
        this.node = plan.node();
        this.bufferSize = plan.bufferSize();
        this.programUp = plan.programUp();
        this.programDown = plan.programDown();
        this.traffic = new Backend(proxy.name());
        this.requests = proxy.balancing().modelled()
                ? BackendTraffic.of(proxy, plan.fullConn(), AlgorithmTraits.of(algorithmName(proxy), proxy.consistentHash()),
                        servers -> LoadBalancer.of(proxy.balancing(), servers, proxy.traffic().allBackups(),
                                trafficRandom))
                : null;
        List<ServerChecker> checkers = new ArrayList<>();
        for (CheckPlanner.ServerPlan server : plan.servers()) {
            checkers.add(new ServerChecker(this, server, loops.get()));
        }
        this.servers = List.copyOf(checkers);
    }

    ProxyConfig proxy() {
        return proxy;
    }

    /**
     * Returns the section's name.
     *
     * @return the name of the backend or listen section, never null
     */
    String name() {
        return proxy.name();
    }

    /** Returns the backend's counts; read and change them holding this section's monitor. */
    Backend traffic() {
        return traffic;
    }

    /**
     * Returns the checkers of the section's servers.
     *
     * @return an immutable list, in declaration order
     */
    /**
     * Returns the request model of the section (spec §9): the counts of HAProxy's transition lines and the
     * simulation's traffic; null when the section's {@code balance} algorithm is not modelled.
     */
    BackendTraffic requests() {
        return requests;
    }

    List<ServerChecker> servers() {
        return servers;
    }

    /**
     * Returns the program of one health check of {@code server} in state {@code health}: {@code disable-on-404}
     * applies only while it is not DOWN, and {@code http-check send-state} puts its current state, address and
     * weights in each request (spec §4.4). On the server's event loop.
     *
     * @param server the server; never null
     * @param health its state now; never null
     * @return the program, never null
     */
    CheckProgram program(ServerChecker server, ServerHealth health) {
        boolean stopped = health.state() == ServerState.DOWN;
        if (!proxy.sendState()) {
            return stopped ? programDown : programUp;
        }
        int totalWeight;
        synchronized (this) {
            totalWeight = traffic.totalWeight();
        }
        String state = HttpRequestEncoder.serverState(health.sendStateText(), server.address(), server.port(),
                proxy.name(), server.name(), node, health.weight(), totalWeight, 0, 0, 0);
        return CheckProgram.compile(proxy, stopped, state, bufferSize);
    }

    /**
     * Records the backend's availability after a transition (HAProxy's {@code set_backend_down} and its return):
     * going from some usable server to none counts in {@code chkdown} and starts a downtime. Holding this
     * section's monitor.
     *
     * @param usable   whether the backend has a usable server now
     * @param nowNanos the scheduler's time
     */
    synchronized void availability(boolean usable, long nowNanos) {
        if (down == !usable) {
            return;
        }
        if (down) {
            downNanos += nowNanos - lastChangeNanos;
        } else {
            downTransitions++;
        }
        down = !usable;
        lastChangeNanos = nowNanos;
    }

    /** Records the start: the origin of the backend's {@code lastchg}. */
    synchronized void started(long nanos) {
        lastChangeNanos = nanos;
    }

    /** Returns {@code chkdown} of the BACKEND row: how many times the backend lost its last usable server. */
    synchronized long downTransitions() {
        return downTransitions;
    }

    /** Returns when the backend last went down or came back (or the start), scheduler nanoseconds. */
    synchronized long lastChangeNanos() {
        return lastChangeNanos;
    }

    /** Returns the backend's time without a usable server until {@code nowNanos}, nanoseconds. */
    synchronized long downtimeNanos(long nowNanos) {
        return down ? downNanos + nowNanos - lastChangeNanos : downNanos;
    }

    /**
     * The algorithm's name as {@link AlgorithmTraits#of} takes it: {@code show stat}'s name, except for
     * {@code random}, which HAProxy 2.6 prints as {@code unknown}.
     */
    static String algorithmName(io.haprobe.config.ProxyConfig proxy) {
        return proxy.balancing().algorithm() == io.haprobe.config.Balancing.Algorithm.RANDOM ? "random"
                : proxy.balance();
    }
}
