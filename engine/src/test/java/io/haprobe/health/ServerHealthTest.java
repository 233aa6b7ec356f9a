package io.haprobe.health;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerHealthTest {

    private static final CheckOutcome OK = CheckOutcome.of(CheckStatus.L7OK, 200, "", 0);
    private static final CheckOutcome WRONG = CheckOutcome.of(CheckStatus.L7STS, 503, "Service Unavailable", 0);
    private static final CheckOutcome REFUSED = CheckOutcome.of(CheckStatus.L4CON, 0, "Connection refused", 0);
    private static final CheckOutcome NOLB = CheckOutcome.of(CheckStatus.L7OKC, 404, "", 0);

    @Test
    void bootsUpWithInitStatusAndShowsUp1Of3() {
        ServerHealth boot = ServerHealth.boot(2, 3, false);
        assertThat(boot.state()).isEqualTo(ServerState.UP);
        assertThat(boot.lastStatus()).isEqualTo(CheckStatus.INI);
        assertThat(boot.statusText()).isEqualTo("UP 1/3");
    }

    @Test
    void disabledServerBootsInMaintenanceDownWithHealthZero() {
        ServerHealth boot = ServerHealth.boot(2, 3, true);
        assertThat(boot.maintenance()).isTrue();
        assertThat(boot.state()).isEqualTo(ServerState.DOWN);
        assertThat(boot.counter().health()).isZero();
        assertThat(boot.statusText()).isEqualTo("MAINT");
        assertThatThrownBy(() -> boot.apply(OK)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void oneFailureAtBootMarksTheServerDown() {
        HealthStep step = ServerHealth.boot(2, 3, false).apply(REFUSED);
        assertThat(step.stateChanged()).isTrue();
        assertThat(step.after().state()).isEqualTo(ServerState.DOWN);
        assertThat(step.after().statusText()).isEqualTo("DOWN");
    }

    @Test
    void goesUpAfterRiseSuccessesAndShowsTheFractionOnTheWay() {
        ServerHealth down = ServerHealth.boot(2, 3, false).apply(REFUSED).after();
        HealthStep first = down.apply(OK);
        assertThat(first.stateChanged()).isFalse();
        assertThat(first.after().statusText()).isEqualTo("DOWN 1/2");
        HealthStep second = first.after().apply(OK);
        assertThat(second.stateChanged()).isTrue();
        assertThat(second.after().state()).isEqualTo(ServerState.UP);
        assertThat(second.after().statusText()).isEqualTo("UP");
    }

    @Test
    void goingDownShowsUpFractions() {
        ServerHealth up = ServerHealth.boot(2, 3, false).apply(OK).after();
        ServerHealth once = up.apply(WRONG).after();
        assertThat(once.statusText()).isEqualTo("UP 2/3");
        assertThat(once.apply(WRONG).after().statusText()).isEqualTo("UP 1/3");
    }

    @Test
    void conditionalPassPutsTheServerInNolb() {
        HealthStep step = ServerHealth.boot(2, 3, false).apply(NOLB);
        assertThat(step.after().state()).isEqualTo(ServerState.NOLB);
        assertThat(step.after().statusText()).isEqualTo("NOLB");
        assertThat(step.after().apply(OK).after().state()).isEqualTo(ServerState.UP);
    }

    @Test
    void reportsOnlyStatusOrHealthChangesNotCodeOrInfoChanges() {
        ServerHealth down = ServerHealth.boot(2, 3, false).apply(WRONG).after();
        HealthStep sameStatusOtherCode = down.apply(CheckOutcome.of(CheckStatus.L7STS, 500, "Oops", 0));
        assertThat(sameStatusOtherCode.reported()).isFalse();
        HealthStep otherStatus = down.apply(CheckOutcome.of(CheckStatus.SOCKERR, 0, "Connection reset by peer", 0));
        assertThat(otherStatus.reported()).isTrue();
        assertThat(otherStatus.healthChanged()).isFalse();
    }
}
