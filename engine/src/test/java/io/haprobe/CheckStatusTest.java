package io.haprobe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckStatusTest {

    @Test
    void numbersFollowHaproxysEnum() {
        assertThat(CheckStatus.SOCKERR.number()).isEqualTo(5);
        assertThat(CheckStatus.L4CON.number()).isEqualTo(8);
        assertThat(CheckStatus.L7RSP.number()).isEqualTo(13);
        assertThat(CheckStatus.L7OKC.number()).isEqualTo(16);
        assertThat(CheckStatus.L7STS.number()).isEqualTo(17);
        assertThat(CheckStatus.PROCOK.number()).isEqualTo(20);
        assertThat(CheckStatus.ofNumber(15)).isEqualTo(CheckStatus.L7OK);
    }

    @Test
    void printedTagsDifferFromEnumNamesForL7okAndL7okc() {
        assertThat(CheckStatus.L7OK.tag()).isEqualTo("L7OK");
        assertThat(CheckStatus.L7OKC.tag()).isEqualTo("L7OKC");
        assertThat(CheckStatus.ofTag("L7OK")).isEqualTo(CheckStatus.L7OK);
        assertThatThrownBy(() -> CheckStatus.ofTag("L57DATA")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyStatusesAfterL57dataCarryACode() {
        assertThat(CheckStatus.L7STS.hasCode()).isTrue();
        assertThat(CheckStatus.L7OK.hasCode()).isTrue();
        assertThat(CheckStatus.L7RSP.hasCode()).isFalse();
        assertThat(CheckStatus.L7TOUT.hasCode()).isFalse();
        assertThat(CheckStatus.L4CON.hasCode()).isFalse();
    }

    @Test
    void descriptionsAndResultsAreHaproxys() {
        assertThat(CheckStatus.L4CON.description()).isEqualTo("Layer4 connection problem");
        assertThat(CheckStatus.L7STS.description()).isEqualTo("Layer7 wrong status");
        assertThat(CheckStatus.L7OKC.result()).isEqualTo(CheckResult.CONDPASS);
        assertThat(CheckStatus.CHECKED.result()).isEqualTo(CheckResult.NEUTRAL);
        assertThat(CheckStatus.HANA.result()).isEqualTo(CheckResult.FAILED);
    }

    @Test
    void outcomeInfoIsCutAt127Characters() {
        CheckOutcome outcome = CheckOutcome.of(CheckStatus.L7RSP, 0, "x".repeat(300), 1_999_999);
        assertThat(outcome.info()).hasSize(127);
        assertThat(outcome.durationMillis()).isEqualTo(1);
    }
}
