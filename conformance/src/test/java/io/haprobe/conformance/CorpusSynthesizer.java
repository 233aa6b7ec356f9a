package io.haprobe.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Puts together production-style configurations from a seed: a global section, a (sometimes named) defaults
 * section, one or two frontends routing with ACLs, and two to four backends, each with its own balance algorithm,
 * check kind (httpchk, http-check rules, tcp-check, redis, mysql, pgsql, smtp, ldap, ssl-hello, agent, none),
 * servers with timing options, sometimes a server-template, cookies and a stick table. Every file it makes is
 * valid for HAProxy 2.6 by construction; the corpus test checks that.
 *
 * <p>Not thread-safe: the {@link Random} it is given has state.
 */
final class CorpusSynthesizer {

    private static final List<String> TIMES = List.of("5s", "5000", "500ms", "1m", "2s", "30s", "10s", "250ms");
    private static final List<String> HTTP_BALANCE = List.of("roundrobin", "leastconn", "source", "first", "uri",
            "random", "static-rr", "hdr(host)", "url_param userid");
    private static final List<String> TCP_BALANCE = List.of("roundrobin", "leastconn", "source", "first",
            "random", "static-rr");

    private final Random random;

    /**
     * Creates a synthesizer.
     *
     * @param random where every choice comes from; never null
     */
    CorpusSynthesizer(Random random) {
        this.random = random;
    }

    /**
     * Makes one configuration.
     *
     * @param index its number, used in its comment and its ports
     * @return its lines
     */
    List<String> synthesize(int index) {
        List<String> out = new ArrayList<>();
        boolean http = random.nextInt(4) != 0;
        boolean named = random.nextBoolean();
        boolean env = random.nextInt(3) == 0;
        int port = 10000 + index * 10;
        out.add("# synthesized production-style configuration " + index + " (" + (http ? "http" : "tcp") + ")");
        out.add("global");
        out.add("    log 127.0.0.1:514 local0");
        out.add("    maxconn " + pick(List.of("2000", "4096", "20000", "100000")));
        if (random.nextBoolean()) {
            out.add("    nbthread " + (1 + random.nextInt(2)));
        }
        if (env) {
            out.add("    setenv SYN_PORT " + port);
        }
        if (random.nextBoolean()) {
            out.add("    stats socket /tmp/haprobe-corpus-synth-" + index + ".sock mode 600 level admin");
            out.add("    stats timeout " + pick(TIMES));
        }
        if (random.nextInt(4) == 0) {
            out.add(".if defined(PATH)");
            out.add("    tune.bufsize 32768");
            out.add(".endif");
        }
        out.add("");
        String from = named ? " from common" : "";
        out.add(named ? "defaults common" : "defaults");
        out.add("    mode " + (http ? "http" : "tcp"));
        out.add("    log global");
        out.add("    option " + (http ? "httplog" : "tcplog"));
        out.add("    timeout connect " + pick(TIMES));
        out.add("    timeout client " + pick(TIMES));
        out.add("    timeout server " + pick(TIMES));
        if (random.nextBoolean()) {
            out.add("    timeout check " + pick(TIMES));
        }
        if (random.nextBoolean()) {
            out.add("    retries " + random.nextInt(5));
            out.add("    option redispatch");
        }
        if (http && random.nextBoolean()) {
            out.add("    option forwardfor");
            out.add("    option http-server-close");
        }
        if (random.nextBoolean()) {
            out.add("    default-server inter " + pick(TIMES) + " fall " + (1 + random.nextInt(5)) + " rise "
                    + (1 + random.nextInt(5)));
        }
        int backends = 2 + random.nextInt(3);
        int frontends = 1 + random.nextInt(2);
        for (int f = 0; f < frontends; f++) {
            out.add("");
            out.add("frontend fe_" + f + from);
            String bind = env && f == 0 ? "\"127.0.0.1:${SYN_PORT}\"" : "127.0.0.1:" + (port + 1 + f);
            out.add("    bind " + bind);
            if (random.nextInt(3) == 0) {
                out.add("    maxconn " + (100 + random.nextInt(5000)));
            }
            if (http) {
                for (int b = 1; b < backends; b++) {
                    out.add("    acl route_" + b + " " + pick(List.of("path_beg /svc" + b, "hdr(host) -i svc" + b
                            + ".example.com", "path_end ." + b + "x", "url_param(svc) " + b)));
                }
                if (random.nextBoolean()) {
                    out.add("    http-request set-header X-Forwarded-Port %[dst_port]");
                }
                if (random.nextBoolean()) {
                    out.add("    http-request deny if { path_beg /admin } !{ src 10.0.0.0/8 }");
                }
                for (int b = 1; b < backends; b++) {
                    out.add("    use_backend be_" + b + " if route_" + b);
                }
            } else {
                out.add("    tcp-request inspect-delay " + pick(List.of("2s", "5s", "500ms")));
                out.add("    tcp-request content accept if { req.ssl_hello_type 1 }");
                for (int b = 1; b < backends; b++) {
                    out.add("    use_backend be_" + b + " if { req.ssl_sni -i svc" + b + ".example.com }");
                }
            }
            out.add("    default_backend be_0");
        }
        for (int b = 0; b < backends; b++) {
            backend(out, b, http, from, index);
        }
        return out;
    }

    private void backend(List<String> out, int b, boolean http, String from, int index) {
        out.add("");
        out.add("backend be_" + b + from);
        out.add("    balance " + pick(http ? HTTP_BALANCE : TCP_BALANCE));
        boolean cookie = http && random.nextInt(3) == 0;
        if (cookie) {
            out.add("    cookie SRV insert indirect nocache");
        }
        boolean agent = false;
        switch (random.nextInt(http ? 6 : 11)) {
            case 0 -> out.add("    option httpchk");
            case 1 -> out.add("    option httpchk GET /health" + b);
            case 2 -> {
                out.add("    option httpchk");
                out.add("    http-check send meth GET uri /ready hdr Host svc" + b + ".example.com");
                out.add("    http-check expect status " + pick(List.of("200", "200-299", "200,204")));
            }
            case 3 -> {
                out.add("    option httpchk HEAD /");
                out.add("    http-check expect ! rstring " + pick(List.of("(?i)error", "maintenance")));
            }
            case 4 -> agent = true;
            case 6 -> {
                out.add("    option tcp-check");
                out.add("    tcp-check send PING\\r\\n");
                out.add("    tcp-check expect string +PONG");
            }
            case 7 -> out.add("    option redis-check");
            case 8 -> out.add("    option mysql-check user check" + b);
            case 9 -> out.add("    option pgsql-check user check" + b);
            case 10 -> out.add(pick(List.of("    option smtpchk", "    option ldap-check", "    option ssl-hello-chk")));
            default -> {
                // no check kind: plain connect checks
            }
        }
        if (random.nextInt(4) == 0) {
            out.add("    stick-table type ip size " + pick(List.of("10k", "100k", "1m")) + " expire "
                    + pick(List.of("30m", "1h", "10s")));
            out.add("    stick on src");
        }
        if (random.nextInt(4) == 0) {
            out.add("    timeout server " + pick(TIMES));
        }
        int servers = 1 + random.nextInt(4);
        for (int s = 0; s < servers; s++) {
            StringBuilder line = new StringBuilder("    server s" + b + "_" + s + " 192.0.2." + (10 + b * 10 + s)
                    + ":" + pick(List.of("80", "8080", "443", "6379", "3306", "9000")));
            if (random.nextInt(5) != 0) {
                line.append(" check");
            }
            if (random.nextBoolean()) {
                line.append(" inter ").append(pick(TIMES));
            }
            if (random.nextInt(3) == 0) {
                line.append(" fall ").append(1 + random.nextInt(5)).append(" rise ").append(1 + random.nextInt(5));
            }
            if (random.nextInt(3) == 0) {
                line.append(" weight ").append(random.nextInt(257));
            }
            if (random.nextInt(4) == 0) {
                line.append(" maxconn ").append(1 + random.nextInt(1000));
            }
            if (s > 0 && random.nextInt(5) == 0) {
                line.append(" backup");
            }
            if (random.nextInt(6) == 0) {
                line.append(" slowstart ").append(pick(TIMES));
            }
            if (random.nextInt(8) == 0) {
                line.append(" disabled");
            }
            if (agent) {
                line.append(" agent-check agent-port ").append(7000 + s).append(" agent-inter ").append(pick(TIMES));
            }
            if (cookie) {
                line.append(" cookie c").append(s);
            }
            out.add(line.toString());
        }
        if (random.nextInt(4) == 0) {
            out.add("    server-template tpl" + b + "_ " + (1 + random.nextInt(3)) + "-" + (4 + random.nextInt(3))
                    + " 192.0.2." + (200 + index % 50) + ":80 check");
        }
    }

    private String pick(List<String> choices) {
        return choices.get(random.nextInt(choices.size()));
    }
}
