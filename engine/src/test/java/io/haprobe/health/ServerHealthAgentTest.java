package io.haprobe.health;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.check.AgentReply;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How agent replies and the health check together move a server (spec §1.4, §1.5, §7). */
class ServerHealthAgentTest {

    private static final CheckOutcome HTTP_OK = CheckOutcome.of(CheckStatus.L7OK, 200, "", 0);
    private static final CheckOutcome HTTP_404 = CheckOutcome.of(CheckStatus.L7OKC, 404, "", 0);
    private static final CheckOutcome REFUSED = CheckOutcome.of(CheckStatus.L4CON, 0, "Connection refused", 0);

    private final ServerHealth boot = ServerHealth.boot(2, 3, false, 10, true, true);

    @Test
    void anAgentDownTakesTheServerDownAndAPassingHealthCheckCannotBringItBack() {
        HealthStep down = agent(boot, "down");
        assertThat(down.after().state()).isEqualTo(ServerState.DOWN);
        assertThat(kinds(down)).containsExactly(Transition.Kind.CHECK, Transition.Kind.STATE);
        assertThat(down.after().statusText()).isEqualTo("DOWN (agent)");
        ServerHealth checked = down.after().apply(HTTP_OK).after();
        assertThat(checked.state()).isEqualTo(ServerState.DOWN);
        assertThat(checked.counter().isFull()).isTrue();
        HealthStep up = agent(checked, "up");
        assertThat(up.after().state()).isEqualTo(ServerState.UP);
        assertThat(up.transitions().get(1).kind()).isEqualTo(Transition.Kind.STATE);
    }

    @Test
    void anAgentUpCannotBringUpAServerWhoseHealthCheckFails() {
        ServerHealth down = boot.apply(REFUSED).after();
        HealthStep up = agent(down, "up");
        assertThat(up.after().state()).isEqualTo(ServerState.DOWN);
        assertThat(kinds(up)).containsExactly(Transition.Kind.CHECK);
    }

    @Test
    void anAgentUpCannotEndNolb() {
        ServerHealth nolb = boot.apply(HTTP_404).after();
        assertThat(nolb.state()).isEqualTo(ServerState.NOLB);
        assertThat(agent(nolb, "up").after().state()).isEqualTo(ServerState.NOLB);
        assertThat(nolb.apply(HTTP_OK).after().state()).isEqualTo(ServerState.UP);
    }

    @Test
    void agentConnectionFailuresChangeNothingButTheAgentStatus() {
        HealthStep step = boot.applyAgent(REFUSED, null, 10);
        assertThat(step.after().state()).isEqualTo(ServerState.UP);
        assertThat(step.after().agent()).isEqualTo(new AgentHealth(1, REFUSED));
        assertThat(step.agentReported()).isTrue();
        assertThat(step.after().applyAgent(REFUSED, null, 10).agentReported()).isFalse();
    }

    @Test
    void aNeutralReplyIsNotLoggedButMakesTheNextUpLoggedAgain() {
        ServerHealth up = agent(boot, "up").after();
        HealthStep neutral = agent(up, "foo");
        assertThat(neutral.agentReported()).isFalse();
        assertThat(neutral.after().agent().lastStatus()).isEqualTo(CheckStatus.CHECKED);
        assertThat(agent(neutral.after(), "up").agentReported()).isTrue();
        assertThat(agent(up, "up").agentReported()).isFalse();
    }

    @Test
    void drainEntersOnceAndEveryWeightChangeWhileDrainedRemainsInDrain() {
        HealthStep drain = agent(boot, "drain");
        assertThat(kinds(drain)).containsExactly(Transition.Kind.DRAIN_ON, Transition.Kind.CHECK);
        assertThat(drain.after().usable()).isFalse();
        assertThat(drain.after().statusText()).isEqualTo("DRAIN (agent)");
        assertThat(kinds(agent(drain.after(), "drain"))).containsExactly(Transition.Kind.CHECK);
        HealthStep weight = agent(drain.after(), "50%");
        assertThat(kinds(weight)).containsExactly(Transition.Kind.WEIGHT, Transition.Kind.DRAIN_REMAINS,
                Transition.Kind.CHECK);
        assertThat(weight.after().weight()).isEqualTo(5);
        HealthStep ready = agent(weight.after(), "ready");
        assertThat(kinds(ready)).containsExactly(Transition.Kind.DRAIN_OFF, Transition.Kind.CHECK);
        assertThat(ready.after().usable()).isTrue();
    }

    @Test
    void maintTakesAnUpServerDownAndReadyBringsItBackWithHealthRise() {
        HealthStep maint = agent(boot.apply(HTTP_OK).after(), "maint");
        assertThat(kinds(maint)).containsExactly(Transition.Kind.MAINT_ON, Transition.Kind.CHECK);
        assertThat(maint.after()).extracting(ServerHealth::state, ServerHealth::maintenance, ServerHealth::statusText)
                .containsExactly(ServerState.DOWN, true, "MAINT");
        assertThat(maint.after().counter().health()).isZero();
        assertThat(kinds(agent(maint.after(), "maint"))).containsExactly(Transition.Kind.CHECK);
        HealthStep ready = agent(maint.after(), "ready up");
        assertThat(kinds(ready)).containsExactly(Transition.Kind.MAINT_OFF, Transition.Kind.CHECK);
        assertThat(ready.after().statusText()).isEqualTo("UP 1/3");
        assertThat(ready.agentReported()).isTrue();
    }

    @Test
    void leavingMaintenanceStaysDownWhileTheAgentSaysDown() {
        ServerHealth down = agent(boot, "stopped").after();
        ServerHealth maint = agent(down, "maint").after();
        HealthStep ready = agent(maint, "ready");
        assertThat(ready.after().state()).isEqualTo(ServerState.DOWN);
        assertThat(ready.transitions().get(0).kind()).isEqualTo(Transition.Kind.MAINT_OFF);
        assertThat(agent(ready.after(), "up").after().state()).isEqualTo(ServerState.UP);
    }

    @Test
    void percentagesAreOfTheConfiguredWeightTruncated() {
        ServerHealth weightOne = ServerHealth.boot(2, 3, false, 1, true, true);
        ServerHealth half = agent(weightOne, "up 50%", 1).after();
        assertThat(half.weight()).isZero();
        assertThat(half.usable()).isFalse();
        assertThat(agent(boot, "75%").after().weight()).isEqualTo(7);
        assertThat(agent(boot, "300%").after().weight()).isEqualTo(30);
        assertThat(ServerHealth.boot(2, 3, false, 200, true, true).applyAgent(CheckOutcome.of(CheckStatus.CHECKED,
                0, "", 0), AgentReply.parse("200%"), 200).after().weight()).isEqualTo(256);
    }

    @Test
    void sendStateTextFollowsTheHealthCounter() {
        assertThat(boot.sendStateText()).isEqualTo("UP 1/3");
        assertThat(boot.apply(HTTP_OK).after().sendStateText()).isEqualTo("UP");
        assertThat(boot.apply(HTTP_404).after().sendStateText()).isEqualTo("NOLB");
        assertThat(boot.apply(REFUSED).after().sendStateText()).isEqualTo("DOWN");
        assertThat(boot.apply(REFUSED).after().apply(HTTP_OK).after().sendStateText()).isEqualTo("DOWN 1/2");
        assertThat(ServerHealth.boot(2, 3, false, 1, true, false).sendStateText()).isEqualTo("no check");
    }

    private static HealthStep agent(ServerHealth health, String line) {
        return agent(health, line, 10);
    }

    private static HealthStep agent(ServerHealth health, String line, int initialWeight) {
        AgentReply reply = AgentReply.parse(line);
        return health.applyAgent(reply.verdict().toOutcome(0), reply, initialWeight);
    }

    private static java.util.List<Transition.Kind> kinds(HealthStep step) {
        return step.transitions().stream().map(Transition::kind).toList();
    }
}
