package io.haprobe.check;

import io.haprobe.config.GlobalSettings;
import io.haprobe.config.HttpCheckRule;
import io.haprobe.config.HttpConnect;
import io.haprobe.config.HttpExpect;
import io.haprobe.config.HttpSend;
import io.haprobe.config.ProxyConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A compiled check: the list of {@link CheckRule}s one interpreter ({@code CheckSession}) runs over a check
 * connection, whatever the check kind. Built once per backend and shared by its servers; an HTTP check
 * with {@code http-check send-state} or {@code disable-on-404} depends on the server's state and is compiled
 * for each run ({@link #compile(ProxyConfig, boolean, String, int)}).
 *
 * <table>
 *   <caption>What each configuration compiles to</caption>
 *   <tr><th>configuration</th><th>rules</th><th>success</th></tr>
 *   <tr><td>{@code check} alone</td><td>connect</td><td>{@code L4OK}, no info</td></tr>
 *   <tr><td>{@code option httpchk ...} + {@code http-check send/expect}</td>
 *       <td>connect, send request bytes (spec §4.3), expect HTTP (spec §4.5; {@code status 200-399} when no
 *       expect is configured)</td><td>{@code L7OK}, code = HTTP status</td></tr>
 *   <tr><td>{@code http-check expect} in a backend that inherits {@code option httpchk} from
 *       {@code defaults}</td><td>connect, expect HTTP: HAProxy 2.6 drops the inherited request, so nothing
 *       is sent</td><td>as above</td></tr>
 *   <tr><td>{@code http-check connect} sequences</td><td>connect, send, expect HTTP, connect, send, expect
 *       HTTP...: one judge per response</td><td>the last response's verdict</td></tr>
 *   <tr><td>{@code agent-check}</td><td>connect to the agent, send {@code agent-send}, expect an agent line
 *       ({@link #agent})</td><td>{@code L7OK} ({@code up}), {@code L7STS} ({@code down}), {@code CHECKED}</td></tr>
 *   <tr><td>{@code option tcp-check} + {@code tcp-check} rules</td><td>the rules, after an implicit connect
 *       unless the first one is a connect (spec §5)</td><td>the last rule's: {@code L7OK}, code 0,
 *       {@code (tcp-check)}</td></tr>
 *   <tr><td>{@code option ssl-hello-chk}, {@code redis-check}, {@code smtpchk}, {@code mysql-check},
 *       {@code pgsql-check}, {@code ldap-check}</td><td>HAProxy 2.6.12's prebuilt rule sets</td>
 *       <td>e.g. {@code L6OK}; {@code L7OK} with {@code Redis server is ok}</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param rules    the rules, a {@link CheckRule.Connect} first; never null
 * @param tcpCheck the program comes from {@code option tcp-check}: its failures carry HAProxy's generic
 *                 {@code TCPCHK ...} texts and step suffixes, and its successes {@code (tcp-check)} (spec §3.1,
 *                 §5.4); false for the plain connect check, HTTP checks and the protocol checks
 */
public record CheckProgram(List<CheckRule> rules, boolean tcpCheck) {

    private static final CheckProgram CONNECT_ONLY = new CheckProgram(List.of(new CheckRule.Connect()));

    /**
     * Validates the components and copies the list.
     *
     * @throws NullPointerException     if {@code rules} is null
     * @throws IllegalArgumentException if the first rule is not a connect (every send and expect needs a
     *                                  connection: the connect must come first)
     */
    public CheckProgram {
        rules = List.copyOf(rules);
        if (rules.isEmpty() || !(rules.get(0) instanceof CheckRule.Connect)) {
            throw new IllegalArgumentException("rules: " + rules + " (expected: a connect rule first)");
        }
    }

    /**
     * Creates a program that is not an {@code option tcp-check} one.
     *
     * @param rules the rules, a {@link CheckRule.Connect} first; never null
     * @throws NullPointerException     if {@code rules} is null
     * @throws IllegalArgumentException if the first rule is not a connect
     */
    public CheckProgram(List<CheckRule> rules) {
        this(rules, false);
    }

    /**
     * Returns the plain TCP connect check of a server with {@code check} and no check option.
     *
     * @return the connect-only program
     */
    public static CheckProgram connectOnly() {
        return CONNECT_ONLY;
    }

    /**
     * Compiles the check of a backend or listen section for a server that is not DOWN, without the
     * {@code send-state} header, with the default {@code tune.bufsize}.
     *
     * @param proxy the section; never null
     * @return its check program
     * @throws NullPointerException if {@code proxy} is null
     */
    public static CheckProgram compile(ProxyConfig proxy) {
        return compile(proxy, false, null, GlobalSettings.DEFAULT_BUFFER_SIZE);
    }

    /**
     * Compiles the check of a backend or listen section for one run. For HTTP checks each
     * {@code http-check connect} opens a connection, each send is encoded (spec §4.3), and the expect rules
     * after a send judge its response together (spec §4.5); {@code http-check disable-on-404} applies only to
     * servers that are not DOWN. Other check kinds ignore the server's state.
     *
     * @param proxy         the section; never null
     * @param serverStopped true when the checked server is DOWN ({@code STOPPED}) as the check starts
     * @param serverState   the {@code X-Haproxy-Server-State} value for a section with {@code http-check
     *                      send-state} ({@link HttpRequestEncoder#serverState}), or null to send none
     * @param bufferSize    {@code tune.bufsize} ({@link GlobalSettings#bufferSize()}): a send that does not fit
     *                      compiles to a {@link CheckRule.SendError}
     * @return the check program
     * @throws NullPointerException if {@code proxy} is null
     */
    public static CheckProgram compile(ProxyConfig proxy, boolean serverStopped, String serverState,
                                       int bufferSize) {
        Objects.requireNonNull(proxy, "proxy");
        if (proxy.checkOption() != null) {
            return TcpCheckPrograms.compile(proxy.checkOption(), bufferSize);
        }
        if (!proxy.httpCheck()) {
            return CONNECT_ONLY;
        }
        List<CheckRule> rules = new ArrayList<>();
        List<HttpCheckRule> httpRules = proxy.httpCheckRules();
        if (!(httpRules.get(0) instanceof HttpConnect)) {
            rules.add(new CheckRule.Connect());
        }
        boolean disableOn404 = proxy.disableOn404() && !serverStopped;
        String state = proxy.sendState() ? serverState : null;
        List<HttpExpect> expects = new ArrayList<>();
        String method = HttpSend.DEFAULT_METHOD;
        for (int i = 0; i < httpRules.size(); i++) {
            HttpCheckRule rule = httpRules.get(i);
            if (rule instanceof HttpExpect expect) {
                expects.add(expect);
                continue;
            }
            addJudge(rules, expects, method, disableOn404, false);
            if (rule instanceof HttpConnect connect) {
                // the step numbers are HAProxy's (declaration index + 1); HTTP infos never print them
                rules.add(new CheckRule.Connect(connect.port(), connect.address(), 0, connect.linger(), false, i + 1,
                        connect.comment(), connect.options()));
            } else if (rule instanceof HttpSend send) {
                method = send.method();
                CheckRule.SendError error = CheckRule.SendError.ofHttp(HttpRequestEncoder.htxSize(send, state),
                        bufferSize, i + 1);
                rules.add(error != null ? error : new CheckRule.Send(HttpRequestEncoder.encode(send, state)));
            }
        }
        addJudge(rules, expects, method, disableOn404, true);
        return new CheckProgram(rules);
    }

    /**
     * Compiles a server's agent check ({@code agent-check}, spec §7): an implicit connect to the agent, a send
     * of {@code agent-send} if any, then one reply line read by {@link CheckRule.ExpectAgent}.
     *
     * @param port      the agent port ({@code agent-port}, else the server's {@code port}), 1..65535
     * @param address   the agent address ({@code agent-addr}) as an IP literal, or null for the server's check
     *                  address
     * @param agentSend the bytes of {@code agent-send}, or null or empty to send nothing; not copied
     * @return the agent program
     * @throws IllegalArgumentException if {@code port} is outside 1..65535
     */
    public static CheckProgram agent(int port, String address, byte[] agentSend) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        List<CheckRule> rules = new ArrayList<>();
        rules.add(new CheckRule.Connect(port, address, 0, false, true, 0, null));
        if (agentSend != null && agentSend.length > 0) {
            rules.add(new CheckRule.Send(agentSend));
        }
        rules.add(new CheckRule.ExpectAgent());
        return new CheckProgram(rules);
    }

    /**
     * Tells whether the program only connects (its check passes with {@code L4OK} once connected).
     *
     * @return true for a connect-only program
     */
    public boolean isConnectOnly() {
        return rules.size() == 1;
    }

    /**
     * Tells whether the check's first connect should turn TCP quick-ACK off ({@link #disablesQuickAck(int)}).
     *
     * @return true for a connect-only program or one whose first step after the connect is a send
     */
    public boolean disablesQuickAck() {
        return disablesQuickAck(0);
    }

    /**
     * Tells whether the connect rule at {@code connectIndex} should turn TCP quick-ACK off, as HAProxy 2.6.5+
     * does when the connect rule is the last rule or is followed by a send (spec §5.1): the handshake's last
     * ACK is then delayed, so the first request rides on it, and a connect-only check is aborted before the
     * server ever accepts. A connect followed by an expect (a banner protocol) keeps the normal quick ACK.
     *
     * @param connectIndex the index of a connect rule in {@link #rules()}
     * @return true if that connect is the last rule or is followed by a send
     * @throws IllegalArgumentException if there is no connect rule at that index
     */
    public boolean disablesQuickAck(int connectIndex) {
        if (connectIndex < 0 || connectIndex >= rules.size() || !(rules.get(connectIndex) instanceof CheckRule.Connect)) {
            throw new IllegalArgumentException("connectIndex: " + connectIndex + " (expected: the index of a connect"
                    + " rule)");
        }
        CheckRule next = connectIndex == rules.size() - 1 ? null : rules.get(connectIndex + 1);
        return next == null || next instanceof CheckRule.Send || next instanceof CheckRule.SendError;
    }

    private static void addJudge(List<CheckRule> rules, List<HttpExpect> expects, String method,
                                 boolean disableOn404, boolean last) {
        if (expects.isEmpty()) {
            return;
        }
        rules.add(new CheckRule.ExpectHttp(HttpResponseJudge.of(List.copyOf(expects), method, disableOn404, last)));
        expects.clear();
    }
}
