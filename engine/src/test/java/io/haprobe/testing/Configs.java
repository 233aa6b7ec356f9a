package io.haprobe.testing;

import io.haprobe.config.CheckTiming;
import io.haprobe.config.GlobalSettings;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.HealthCheck;
import io.haprobe.config.HttpCheckRule;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.config.SourceLocation;

import java.util.List;

/** Builds configuration records directly, without the parser, for engine tests. */
public final class Configs {

    public static final long MS = 1_000_000L;
    private static final SourceLocation HERE = new SourceLocation("test.cfg", 1, 1);

    private Configs() {
    }

    public static ServerConfig server(String name, int port, long interMs, long fastInterMs, long downInterMs,
                                      int rise, int fall) {
        return ServerConfig.builder(name, "127.0.0.1", port, HERE).check(HealthCheck.ENABLED)
                .timing(new CheckTiming(interMs * MS, fastInterMs * MS, downInterMs * MS, rise, fall)).build();
    }

    public static ProxyConfig backend(String name, List<ServerConfig> servers, List<HttpCheckRule> http,
                                      long timeoutCheckMs, long timeoutConnectMs, boolean logHealthChecks) {
        return new ProxyConfig(name, false, HERE, servers, http, timeoutCheckMs * MS, timeoutConnectMs * MS,
                logHealthChecks);
    }

    public static HaproxyConfig config(ProxyConfig... proxies) {
        return new HaproxyConfig("test.cfg", GlobalSettings.DEFAULT, List.of(proxies), List.of());
    }
}
