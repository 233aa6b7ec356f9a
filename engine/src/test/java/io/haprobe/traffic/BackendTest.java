package io.haprobe.traffic;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The backend counts of HAProxy's {@code recount_servers()} and {@code update_backend_weight()} (spec §9.1). */
class BackendTest {

    @Test
    void countsUsableActiveAndBackupServersAndTheirWeights() {
        Backend be = new Backend("app");
        be.addServer("web1", false, true, 10);
        be.addServer("web2", false, true, 5);
        be.addServer("down", false, false, 7);
        be.addServer("spare", true, true, 3);

        assertThat(be.activeServers()).isEqualTo(2);
        assertThat(be.backupServers()).isEqualTo(1);
        assertThat(be.activeWeight()).isEqualTo(15);
        assertThat(be.backupWeight()).isEqualTo(3);
        assertThat(be.hasUsableServer()).isTrue();
    }

    @Test
    void totalWeightIsTheActiveServersWhileOneIsUsableElseTheBackups() {
        Backend be = new Backend("app");
        Backend.Server web1 = be.addServer("web1", false, true, 10);
        be.addServer("spare1", true, true, 3);
        be.addServer("spare2", true, true, 4);
        assertThat(be.totalWeight()).isEqualTo(10);

        web1.update(false, 10);

        assertThat(be.totalWeight()).isEqualTo(7);
    }

    @Test
    void aServerOfWeightZeroIsNotUsable() {
        Backend be = new Backend("app");
        Backend.Server web1 = be.addServer("web1", false, true, 0);
        assertThat(web1.usable()).isFalse();
        assertThat(be.hasUsableServer()).isFalse();

        web1.update(true, 2);

        assertThat(web1.usable()).isTrue();
        assertThat(be.activeServers()).isEqualTo(1);
        assertThat(be.activeWeight()).isEqualTo(2);
    }

    @Test
    void aWeightChangeOfAUsableServerMovesOnlyTheWeight() {
        Backend be = new Backend("app");
        Backend.Server web1 = be.addServer("web1", false, true, 10);

        web1.update(true, 5);

        assertThat(be.activeServers()).isEqualTo(1);
        assertThat(be.activeWeight()).isEqualTo(5);
    }

    @Test
    void losingTheLastUsableServerLeavesNoServerAvailable() {
        Backend be = new Backend("app");
        Backend.Server web1 = be.addServer("web1", false, true, 1);
        Backend.Server spare = be.addServer("spare", true, true, 1);

        web1.update(false, 1);
        assertThat(be.hasUsableServer()).isTrue();
        spare.update(false, 1);

        assertThat(be.hasUsableServer()).isFalse();
        assertThat(be.totalWeight()).isZero();
    }

    @Test
    void recountFromScratchGivesTheCountsKeptOnEveryUpdate() {
        Backend be = new Backend("app");
        Backend.Server a = be.addServer("a", false, true, 10);
        Backend.Server b = be.addServer("b", true, false, 4);
        Backend.Server c = be.addServer("c", false, true, 3);
        a.update(true, 7);
        b.update(true, 4);
        c.update(false, 3);
        String kept = be.toString();

        be.recount();

        assertThat(be).hasToString(kept);
        assertThat(be.activeServers()).isEqualTo(1);
        assertThat(be.activeWeight()).isEqualTo(7);
        assertThat(be.backupServers()).isEqualTo(1);
        assertThat(be.backupWeight()).isEqualTo(4);
    }

    @Test
    void keepsTheServersInDeclarationOrder() {
        Backend be = new Backend("app");
        be.addServer("b", false, true, 1);
        be.addServer("a", true, true, 1);

        assertThat(be.servers()).extracting(Backend.Server::name).containsExactly("b", "a");
        assertThat(be.servers()).extracting(Backend.Server::backup).containsExactly(false, true);
    }

    @Test
    void rejectsAWeightOutOfRange() {
        Backend be = new Backend("app");
        assertThatThrownBy(() -> be.addServer("web1", false, true, 257))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weight: 257 (expected: 0..256)");
        assertThat(be.servers()).isEmpty();
        Backend.Server web1 = be.addServer("web1", false, true, 1);
        assertThatThrownBy(() -> web1.update(true, -1))
                .hasMessage("weight: -1 (expected: 0..256)");
        assertThat(be.activeWeight()).isEqualTo(1);
    }
}
