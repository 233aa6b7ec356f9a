package io.haprobe.check;

import io.haprobe.CheckStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Agent reply lines as HAProxy 2.6.12 parses them (spec §7): status, info and the effects' inputs. */
class AgentReplyTest {

    @Test
    void healthWordsSetTheStatusAndArePrintedAsReceived() {
        assertThat(AgentReply.parse("up").verdict()).isEqualTo(new CheckVerdict(CheckStatus.L7OK, 0, "via agent : up"));
        assertThat(AgentReply.parse("Up").info()).isEqualTo("via agent : Up");
        assertThat(AgentReply.parse("fail").verdict())
                .isEqualTo(new CheckVerdict(CheckStatus.L7STS, 0, "via agent : fail"));
        assertThat(AgentReply.parse("stopped").status()).isEqualTo(CheckStatus.L7STS);
        assertThat(AgentReply.parse("down up").status()).isEqualTo(CheckStatus.L7OK);
    }

    @Test
    void theDescriptionFollowsASharpAndEndsTheWords() {
        assertThat(AgentReply.parse("down #maintenance window, 0%").info())
                .isEqualTo("via agent : down (maintenance window, 0%)");
        AgentReply tab = AgentReply.parse("DOWN,#tab");
        assertThat(tab.info()).isEqualTo("via agent : DOWN (tab)");
        assertThat(AgentReply.parse("down #maintenance window, 0%").weight()).isNull();
        assertThat(AgentReply.parse("stopped #bye now").info()).isEqualTo("via agent : stopped (bye now)");
    }

    @Test
    void aSharpInsideAWordIsAnUnknownWordThatChangesNothing() {
        AgentReply reply = AgentReply.parse("down#maintenance window");
        assertThat(reply.verdict()).isEqualTo(new CheckVerdict(CheckStatus.CHECKED, 0,
                "agent reports an error : down#maintenance"));
    }

    @Test
    void forUpTheFirstErrorOrWarningWinsOverTheDescription() {
        assertThat(AgentReply.parse("up foo 50%").info()).isEqualTo("via agent : up (foo)");
        assertThat(AgentReply.parse("down bar").info()).isEqualTo("via agent : down (bar)");
        assertThat(AgentReply.parse("up maxconn:x").info())
                .isEqualTo("via agent : up (maxconn string empty or preceded by garbage)");
        assertThat(AgentReply.parse("up foo #desc").info()).isEqualTo("via agent : up (foo)");
        assertThat(AgentReply.parse("down foo #desc").info()).isEqualTo("via agent : down (desc)");
    }

    @Test
    void repliesWithoutAHealthWordAreNeutral() {
        assertThat(AgentReply.parse("drain").verdict()).isEqualTo(new CheckVerdict(CheckStatus.CHECKED, 0, ""));
        assertThat(AgentReply.parse("xx 100%").info()).isEqualTo("agent reports an error : xx");
        assertThat(AgentReply.parse("300%x").info())
                .isEqualTo("agent warns : Absolute weight can only be between 0 and 256 inclusive.\n");
        assertThat(AgentReply.parse("7%5").info()).isEqualTo("agent warns : Trailing garbage in weight string");
        assertThat(AgentReply.parse("maxconn:").info()).isEqualTo("agent warns : Require <maxconn>.\n");
        assertThat(AgentReply.parse("").verdict()).isEqualTo(new CheckVerdict(CheckStatus.CHECKED, 0, ""));
    }

    @Test
    void wordsOfEachCategoryKeepTheLastOne() {
        AgentReply reply = AgentReply.parse("ready\tdrain,75% 50% maxconn:10 up");
        assertThat(reply).extracting(AgentReply::admin, AgentReply::weight, AgentReply::maxConn, AgentReply::health)
                .containsExactly("drain", "50%", "maxconn:10", "up");
        assertThat(reply.weightPercent()).isEqualTo(50);
        assertThat(AgentReply.parse("99999999%").weightPercent()).isEqualTo(25_600);
        assertThat(AgentReply.parse("7%5").weightPercent()).isEqualTo(-1);
    }
}
