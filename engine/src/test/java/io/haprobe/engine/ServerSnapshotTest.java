package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.check.AgentReply;
import io.haprobe.health.ServerHealth;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A snapshot holds the values of a server's state at one moment, and only values. */
class ServerSnapshotTest {

    private static final CheckOutcome REFUSED = CheckOutcome.of(CheckStatus.L4CON, 0, "Connection refused", 0);
    private static final CheckOutcome AGENT_OK = CheckOutcome.of(CheckStatus.L7OK, 0, "via agent : up", 0);

    @Test
    void aServerAtBootIsUpWithHealthRiseAndNoCheckYet() {
        ServerSnapshot s = snapshot(ServerHealth.boot(2, 3, false, 10, false, true));

        assertThat(s.id()).isEqualTo("be/s1");
        assertThat(s.state()).isEqualTo(ServerState.UP);
        assertThat(s.statusText()).isEqualTo("UP 1/3");
        assertThat(s.checkHealth()).isEqualTo(2);
        assertThat(s.rise()).isEqualTo(2);
        assertThat(s.fall()).isEqualTo(3);
        assertThat(s.lastOutcome()).isEmpty();
        assertThat(s.lastStatus()).isEqualTo(CheckStatus.INI);
        assertThat(s.maintenance()).isFalse();
        assertThat(s.drain()).isFalse();
        assertThat(s.agentChecked()).isFalse();
        assertThat(s.agentOutcome()).isEmpty();
        assertThat(s.currentWeight()).isEqualTo(10);
    }

    @Test
    void aDisabledServerIsInMaintenanceDownWithHealthZero() {
        ServerSnapshot s = snapshot(ServerHealth.boot(2, 3, true, 10, false, true));

        assertThat(s.maintenance()).isTrue();
        assertThat(s.state()).isEqualTo(ServerState.DOWN);
        assertThat(s.checkHealth()).isZero();
        assertThat(s.statusText()).isEqualTo("MAINT");
    }

    @Test
    void keepsTheValuesOfItsMomentWhenTheServerMovesOn() {
        ServerHealth boot = ServerHealth.boot(2, 3, false, 10, false, true);
        ServerSnapshot before = snapshot(boot);

        ServerHealth down = boot.apply(REFUSED).after();
        ServerSnapshot after = snapshot(down);

        assertThat(before.state()).isEqualTo(ServerState.UP);
        assertThat(after.state()).isEqualTo(ServerState.DOWN);
        assertThat(after.lastOutcome()).contains(REFUSED);
        assertThat(after.lastStatus()).isEqualTo(CheckStatus.L4CON);
        assertThat(after.checkHealth()).isZero();
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void showsTheAgentsOutcomeDrainAndWeight() {
        ServerHealth boot = ServerHealth.boot(2, 3, false, 10, true, true);
        ServerHealth drained = boot.applyAgent(AGENT_OK, AgentReply.parse("drain 50%"), 10).after();

        ServerSnapshot s = snapshot(drained);

        assertThat(s.agentChecked()).isTrue();
        assertThat(s.agentOutcome()).contains(AGENT_OK);
        assertThat(s.drain()).isTrue();
        assertThat(s.currentWeight()).isEqualTo(5);
        assertThat(s.weight()).isEqualTo(10);
        assertThat(s.statusText()).isEqualTo("DRAIN (agent)");
    }

    @Test
    void snapshotsOfTheSameStateAreEqual() {
        ServerHealth boot = ServerHealth.boot(2, 3, false, 10, true, true);

        assertThat(snapshot(boot)).isEqualTo(snapshot(boot)).hasSameHashCodeAs(snapshot(boot));
        assertThat(snapshot(boot)).hasToString("ServerSnapshot[be/s1 UP 1/3, INI, health 2/4, weight 10/10, "
                + "agent INI]");
    }

    private static ServerSnapshot snapshot(ServerHealth health) {
        return new ServerSnapshot("be", "s1", "127.0.0.1:9001", false, 10, health);
    }
}
