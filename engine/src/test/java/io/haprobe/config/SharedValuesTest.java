package io.haprobe.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link SharedValues}: the servers of one file share their equal parts, and only those. */
class SharedValuesTest {

    @Test
    void serversWithEqualSettingsShareOneInstanceOfEachPart() {
        HaproxyConfig config = HaproxyConfig.parse("shared.cfg", """
                defaults
                    mode http
                    default-server inter 3s fall 2
                backend b
                    server a 127.0.0.1:8001 check
                    server b 127.0.0.1:8002 check
                    server c 127.0.0.1:8003 check inter 5s weight 7
                backend other
                    server d 127.0.0.1:8004 check
                """);
        ProxyConfig b = config.proxy("b").orElseThrow();
        ServerConfig a = b.server("a").orElseThrow();
        ServerConfig second = b.server("b").orElseThrow();
        ServerConfig c = b.server("c").orElseThrow();
        ServerConfig d = config.proxy("other").orElseThrow().server("d").orElseThrow();

        assertThat(second.timing()).isSameAs(a.timing());
        assertThat(second.check()).isSameAs(a.check());
        assertThat(second.check().tls()).isSameAs(a.check().tls());
        assertThat(second.agent()).isSameAs(a.agent());
        assertThat(second.traffic()).isSameAs(a.traffic());
        assertThat(d.timing()).as("another backend, the same values").isSameAs(a.timing());

        assertThat(c.timing().interNanos()).isEqualTo(5_000_000_000L);
        assertThat(c.timing()).isNotEqualTo(a.timing());
        assertThat(c.traffic().weight()).isEqualTo(7);
        assertThat(a.traffic().weight()).isEqualTo(1);
        assertThat(c.check()).as("its check settings equal a's").isSameAs(a.check());
    }

    @Test
    void theFirstInstanceOfAValueIsTheOneKept() {
        SharedValues values = new SharedValues();
        CheckAddress first = new CheckAddress(null, 8080);
        CheckAddress equal = new CheckAddress(null, 8080);
        CheckAddress other = new CheckAddress(null, 8081);

        assertThat(values.of(first)).isSameAs(first);
        assertThat(values.of(equal)).isSameAs(first);
        assertThat(values.of(other)).isSameAs(other);
    }
}
