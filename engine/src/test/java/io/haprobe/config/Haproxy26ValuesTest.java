package io.haprobe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values HAProxy 2.6.12 accepts that a strict reading would refuse, each settled with {@code haproxy -c}. */
class Haproxy26ValuesTest {

    static HaproxyConfig parse(String... lines) {
        return new HaproxyConfigParser("haproxy.cfg", Map.of()).parse(String.join("\n", lines));
    }

    static CheckTiming timing(HaproxyConfig config) {
        return config.proxy("b").orElseThrow().server("s").orElseThrow().timing();
    }

    @Test
    void compoundTimesAreReadUpToTheFirstUnitWithAWarning() {
        // haproxy -c, 2.6.12: "[WARNING] 'server b/s1' : unexpected character '3' after the timer value '1m30s',
        // only (us=microseconds,...) are supported. This will be reported as an error in next versions."
        HaproxyConfig config = parse("backend b", "  timeout check 1h2m",
                "  server s 1.2.3.4:80 check inter 1m30s fastinter 1s5 downinter 10msx");

        assertThat(timing(config).interNanos()).isEqualTo(60_000_000_000L);
        assertThat(timing(config).fastInterNanos()).isEqualTo(1_000_000_000L);
        assertThat(timing(config).downInterNanos()).isEqualTo(10_000_000L);
        assertThat(config.proxy("b").orElseThrow().timeoutCheckNanos()).isEqualTo(3_600_000_000_000L);
        assertThat(config.warnings()).extracting(ConfigWarning::message).hasSize(4)
                .first().asString().startsWith("timeout check: unexpected character '2' after the timer value '1h2m'")
                .endsWith("read as '1h' as HAProxy 2.6 does (later versions refuse it)");
    }

    @Test
    void timesWithoutAValueBeforeTheUnitAreStillRefused() {
        // haproxy -c, 2.6.12: "unexpected character 'x' in 'timeout check'", "unexpected character 's' ..."
        assertThatThrownBy(() -> parse("backend b", "  timeout check 5x"))
                .hasMessage("haproxy.cfg:2:17: timeout check: '5x' (expected: a time such as 2s or 500ms)");
        assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:80 check inter s"))
                .hasMessage("haproxy.cfg:2:35: inter: 's' (expected: a time such as 2s or 500ms)");
        assertThat(HaproxyTime.millisOrNegative("1h2m")).isEqualTo(-1);
    }

    @Test
    void riseAndFallAreReadLikeAtol() {
        // haproxy -c, 2.6.12 accepts rise "+5", fall "3abc", rise " 7"; refuses 0, -1 and abc with
        // "'rise' has to be > 0."
        assertThat(timing(parse("backend b", "  server s 1.2.3.4:80 check rise +5 fall 3abc")))
                .extracting(CheckTiming::rise, CheckTiming::fall).containsExactly(5, 3);
        assertThat(timing(parse("backend b", "  server s 1.2.3.4:80 check rise \" 7\"")).rise()).isEqualTo(7);
        assertThat(timing(parse("backend b", "  server s 1.2.3.4:80 check rise 99999999999")).rise())
                .isEqualTo(Integer.MAX_VALUE);
        for (String bad : new String[] {"0", "-1", "-5"}) {
            assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:80 check rise " + bad))
                    .hasMessage("haproxy.cfg:2:34: rise: '" + bad + "' (expected: >= 1)");
        }
        for (String bad : new String[] {"abc", "+"}) {
            assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:80 check rise " + bad))
                    .hasMessage("haproxy.cfg:2:34: rise: '" + bad + "' (expected: an integer >= 1)");
        }
    }

    @Test
    void aTrailingBackslashIsNotALineContinuation() {
        // haproxy -c, 2.6.12: "'server b/s1' : unknown keyword '\'." then "unknown keyword 'rise' in 'backend'
        // section": 2.6 has no line continuation, so neither has haprobe.
        assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:80 check \\", "    rise 5"))
                .hasMessageStartingWith("haproxy.cfg:2:29: unknown keyword '\\' in server line");
    }

    @Test
    void initAddrIsReadAndValidatedAs2612Does() {
        // haproxy 2.6.12 accepts "last,,none", an empty value and IP addresses; the engine acts on it (InitAddrTest)
        HaproxyConfig config = parse("backend b",
                "  default-server init-addr last,,none",
                "  server s api.internal:80 check",
                "  server ip api.internal:80 check init-addr libc,10.0.0.9",
                "  server empty 1.2.3.4:80 init-addr \"\"",
                "  server plain 1.2.3.4:80");

        ProxyConfig b = config.proxy("b").orElseThrow();
        assertThat(config.warnings()).isEmpty();
        assertThat(b.server("s").orElseThrow().initAddr()).isEqualTo(new InitAddr(java.util.List.of("last", "none")));
        assertThat(b.server("ip").orElseThrow().initAddr().methods()).containsExactly("libc", "10.0.0.9");
        assertThat(b.server("empty").orElseThrow().initAddr().methods()).isEmpty();
        assertThat(parse("backend b", "  server plain 1.2.3.4:80").proxy("b").orElseThrow().servers().get(0)
                .initAddr()).isEqualTo(InitAddr.DEFAULT);
        // 2.6.12: "'init-addr' : unknown init-addr method 'foo', supported methods are 'libc', 'last', 'none'."
        assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:80 init-addr last,foo"))
                .hasMessage("haproxy.cfg:2:33: 'init-addr' : unknown init-addr method 'foo', supported methods are"
                        + " 'libc', 'last', 'none'");
    }
}
