package io.haprobe.internal;

import io.haprobe.check.CheckRule;
import io.haprobe.config.ConnectOptions;
import io.haprobe.config.ServerConfig;
import io.haprobe.config.TlsSettings;
import io.haprobe.spi.TlsClient;
import io.netty.channel.ChannelHandler;

import java.util.List;
import java.util.Objects;

/**
 * The TLS side of one server's checks: which check connections use TLS and with which SNI and ALPN
 * (spec §6.2; tcpcheck.c {@code tcpcheck_eval_connect}), and the client that makes their TLS layers.
 *
 * <table>
 *   <caption>Per connect rule</caption>
 *   <tr><th>what</th><th>first found of</th></tr>
 *   <tr><td>TLS</td><td>the rule's {@code ssl}; with {@code default} (and for implicit connects), the server's
 *       check transport</td></tr>
 *   <tr><td>SNI</td><td>the rule's {@code sni}; with {@code default}, the server's {@code check-sni}; else
 *       none. The server's {@code sni} is never used</td></tr>
 *   <tr><td>ALPN</td><td>the rule's {@code alpn}; with {@code default}, the server's {@code check-alpn}; the
 *       server's {@code alpn} (it is on the shared SSL context)</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe. Not API.
 */
public final class CheckTls {

    private final TlsClient client;
    private final TlsSettings settings;
    private final boolean serverCheckUsesTls;

    /**
     * Creates the TLS side of a server's checks.
     *
     * @param client the server's TLS client; never null
     * @param server the server; never null
     */
    public CheckTls(TlsClient client, ServerConfig server) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = server.check().tls();
        this.serverCheckUsesTls = server.check().usesTls();
    }

    /**
     * Makes the TLS layer of the connection a connect rule opens.
     *
     * @param rule the connect rule; never null
     * @return a new handler, or null when the connection is plain
     */
    public ChannelHandler handlerFor(CheckRule.Connect rule) {
        if (!rule.usesTls(serverCheckUsesTls)) {
            return null;
        }
        ConnectOptions options = rule.options();
        String sni = options.sni() != null ? options.sni() : options.useDefault() ? settings.hello().checkSni() : null;
        List<String> alpn = options.alpn();
        if (alpn.isEmpty()) {
            alpn = options.useDefault() ? settings.hello().checkAlpnOrServer() : settings.hello().alpn();
        }
        return client.newHandler(sni, alpn);
    }
}
