package io.haprobe.engine;

import io.haprobe.ServerState;
import io.haprobe.check.CheckProgram;
import io.haprobe.check.HttpRequestEncoder;
import io.haprobe.config.ProxyConfig;
import io.haprobe.health.ServerHealth;
import io.haprobe.traffic.Backend;

import java.util.ArrayList;
import java.util.List;

/**
 * One checked backend or listen section at run time: its compiled check programs, its servers' checkers in
 * declaration order, and its traffic {@link Backend}, whose counts the servers' changes keep current.
 *
 * <p>Threading: owned by the engine's event loop, the scheduler's thread; the backend counts and
 * {@link #program} are used there only. {@link #proxy()}, {@link #servers()} and {@link #name()} are immutable
 * and may be read from any thread.
 */
final class CheckedSection {

    private final ProxyConfig proxy;
    private final String node;
    private final int bufferSize;
    private final CheckProgram programUp;
    private final CheckProgram programDown;
    private final Backend traffic;
    private final List<ServerChecker> servers;

    /**
     * Creates the section and its servers' checkers from its plan; nothing is scheduled yet.
     *
     * @param plan the section's plan; never null
     * @param loop what the checkers share; never null
     */
    CheckedSection(CheckPlanner.SectionPlan plan, CheckLoop loop) {
        this.proxy = plan.proxy();
        this.node = plan.node();
        this.bufferSize = plan.bufferSize();
        this.programUp = plan.programUp();
        this.programDown = plan.programDown();
        this.traffic = new Backend(proxy.name());
        List<ServerChecker> checkers = new ArrayList<>();
        for (CheckPlanner.ServerPlan server : plan.servers()) {
            checkers.add(new ServerChecker(this, server, loop));
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

    Backend traffic() {
        return traffic;
    }

    /**
     * Returns the checkers of the section's servers.
     *
     * @return an immutable list, in declaration order
     */
    List<ServerChecker> servers() {
        return servers;
    }

    /**
     * Returns the program of one health check of {@code server} in state {@code health}: {@code disable-on-404}
     * applies only while it is not DOWN, and {@code http-check send-state} puts its current state, address and
     * weights in each request (spec §4.4). Event loop only.
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
        String state = HttpRequestEncoder.serverState(health.sendStateText(), server.address(), server.port(),
                proxy.name(), server.name(), node, health.weight(), traffic.totalWeight(), 0, 0, 0);
        return CheckProgram.compile(proxy, stopped, state, bufferSize);
    }
}
