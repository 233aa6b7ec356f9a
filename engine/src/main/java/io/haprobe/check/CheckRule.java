package io.haprobe.check;

import io.haprobe.CheckStatus;
import io.haprobe.config.ConnectOptions;

import java.util.Arrays;
import java.util.Objects;

/**
 * One step of a {@link CheckProgram}: connect, send bytes, or judge what came back. Every HAProxy check
 * kind compiles into these steps, as HAProxy 2.x turns every check into a tcp-check rule list.
 *
 * <p>Each rule carries HAProxy's step number ({@code tcpcheck_get_step_id}: the declaration index plus one, 0
 * for the implicit first connect) and its comment, which the info texts of spec §5.4 print.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface CheckRule permits CheckRule.Connect, CheckRule.Send, CheckRule.SendError, CheckRule.ExpectHttp,
        CheckRule.ExpectContent, CheckRule.ExpectCustom, CheckRule.ExpectAgent {

    /**
     * Returns HAProxy's step number of this rule (spec §5.4).
     *
     * @return the step, 0 for the implicit first connect
     */
    int step();

    /**
     * Returns the rule's comment, printed in failure infos.
     *
     * @return the comment, or null for none
     */
    String comment();

    /**
     * Opens a check connection (closing the previous one) to the server's check address and port, or to the
     * rule's own. The first rule of every program.
     *
     * <table>
     *   <caption>Where it connects (spec §5.2)</caption>
     *   <tr><th>component</th><th>0 / null means</th><th>HAProxy keyword</th></tr>
     *   <tr><td>{@code port}</td><td>the port of {@code address}, else the server's check port</td>
     *       <td>{@code tcp-check connect port},
     *       {@code http-check connect port}, {@code agent-port}</td></tr>
     *   <tr><td>{@code address}</td><td>the server's check address</td><td>{@code tcp-check connect addr},
     *       {@code http-check connect addr}, {@code agent-addr}</td></tr>
     *   <tr><td>{@code addressPort}</td><td>the server's check port</td><td>the port in {@code addr ip:port}</td></tr>
     * </table>
     *
     * <p>Its transport is {@code options} ({@link ConnectOptions}; tcpcheck.c {@code tcpcheck_eval_connect}):
     * implicit connects and the protocol checks' own connects take {@link ConnectOptions#DEFAULT}, the server's
     * check transport; a declared connect without options is plain TCP.
     *
     * @param port        the rule's port, 0..65535
     * @param address     an IP literal, or null
     * @param addressPort the port given with {@code address}, 0..65535
     * @param linger      close with a FIN instead of an RST ({@code linger})
     * @param implicit    added by HAProxy rather than declared: a check that ends on it passes without info
     * @param step        the step number, 0 when implicit
     * @param comment     the comment, or null
     * @param options     {@code default}, {@code ssl}, {@code sni}, {@code alpn}, {@code send-proxy}; never null
     */
    record Connect(int port, String address, int addressPort, boolean linger, boolean implicit, int step,
                   String comment, ConnectOptions options)
            implements CheckRule {

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if {@code options} is null
         * @throws IllegalArgumentException if a port is outside 0..65535 or the step is negative
         */
        public Connect {
            Objects.requireNonNull(options, "options");
            if (port < 0 || port > 65535 || addressPort < 0 || addressPort > 65535 || step < 0) {
                throw new IllegalArgumentException("port, addressPort, step: " + port + ", " + addressPort + ", "
                        + step + " (expected: 0..65535, 0..65535, >= 0)");
            }
        }

        /**
         * Creates a connect without options of its own: an implicit one takes the server's check transport
         * ({@link ConnectOptions#DEFAULT}), a declared one is plain ({@link ConnectOptions#NONE}).
         *
         * @throws IllegalArgumentException if a port is outside 0..65535 or the step is negative
         */
        public Connect(int port, String address, int addressPort, boolean linger, boolean implicit, int step,
                       String comment) {
            this(port, address, addressPort, linger, implicit, step, comment,
                    implicit ? ConnectOptions.DEFAULT : ConnectOptions.NONE);
        }

        /** Creates the implicit connect to the server's check address over its check transport, step 0. */
        public Connect() {
            this(0, null, 0, false, true, 0, null);
        }

        /**
         * Returns the PROXY protocol version this connection sends first (spec §6.2, verified on 2.6.12).
         *
         * @param serverVersion the version of the server's {@code send-proxy}/{@code send-proxy-v2}, 0 to 2
         * @param checkVersion  the version the server's health checks send on their own connect (inherited, or
         *                      {@code check-send-proxy}), 0 to 2
         * @return 0 for none: {@code send-proxy} gives the server's version (v1 when it has none), an implicit or
         *         {@code default} connect the checks' version, any other connect none
         */
        public int proxyVersion(int serverVersion, int checkVersion) {
            if (options.sendProxy()) {
                return serverVersion == 2 ? 2 : 1;
            }
            return implicit || options.useDefault() ? checkVersion : 0;
        }

        /**
         * Tells whether this connection uses TLS.
         *
         * @param serverCheckUsesTls whether the server's own checks use TLS (spec §6.2)
         * @return true with {@code ssl}, or with {@code default} on a server whose checks use TLS
         */
        public boolean usesTls(boolean serverCheckUsesTls) {
            return options.usesTls(serverCheckUsesTls);
        }

        /**
         * Returns the port this rule connects to, or 0 for the server's check port.
         *
         * @return {@code port}, else {@code addressPort}
         */
        public int effectivePort() {
            return port != 0 ? port : addressPort;
        }
    }

    /**
     * Writes bytes to the server, in one go. Also drops what was received so far (spec §5.3).
     *
     * @param bytes          the bytes; never null, not empty. The array is not copied: it must not be modified.
     * @param unixTimeOffset where the 4-byte big-endian current UNIX time goes at send time (the ClientHello of
     *                       {@code ssl-hello-chk}), or -1
     * @param step           the step number, {@code >= 1}
     * @param comment        the comment, or null
     */
    record Send(byte[] bytes, int unixTimeOffset, int step, String comment) implements CheckRule {

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if {@code bytes} is null
         * @throws IllegalArgumentException if {@code bytes} is empty or the time offset does not fit
         */
        public Send {
            Objects.requireNonNull(bytes, "bytes");
            if (bytes.length == 0) {
                throw new IllegalArgumentException("bytes: (empty) (expected: at least one byte)");
            }
            if (unixTimeOffset < -1 || (unixTimeOffset >= 0 && unixTimeOffset > bytes.length - 4)) {
                throw new IllegalArgumentException("unixTimeOffset: " + unixTimeOffset + " (expected: -1 or 0.."
                        + (bytes.length - 4) + ")");
            }
        }

        /**
         * Creates a plain send at step 1 without comment.
         *
         * @param bytes the bytes; never null, not empty; not copied
         */
        public Send(byte[] bytes) {
            this(bytes, -1, 1, null);
        }

        /**
         * Returns the bytes to write for a check started at {@code unixTimeSeconds}.
         *
         * @param unixTimeSeconds seconds since 1970, used only when {@code unixTimeOffset >= 0}
         * @return the bytes; the rule's own array when there is no time to stamp
         */
        public byte[] bytesAt(long unixTimeSeconds) {
            if (unixTimeOffset < 0) {
                return bytes;
            }
            byte[] stamped = bytes.clone();
            for (int i = 0; i < 4; i++) {
                stamped[unixTimeOffset + i] = (byte) (unixTimeSeconds >>> (24 - 8 * i));
            }
            return stamped;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Send send && Arrays.equals(bytes, send.bytes) && unixTimeOffset == send.unixTimeOffset
                    && step == send.step && Objects.equals(comment, send.comment);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes) * 31 + step;
        }

        @Override
        public String toString() {
            return "Send[" + bytes.length + " bytes, step " + step + (comment == null ? "" : ", comment " + comment)
                    + "]";
        }
    }

    /**
     * A send HAProxy cannot build because its data do not fit the check's buffer ({@code tune.bufsize}, spec
     * §5.2): when the check reaches it, it fails at once with {@code L7RSP} and {@code info}, and nothing is
     * written. HAProxy 2.6.12 words it {@code tcp-check send : string too large (3000) for buffer size (2048) at
     * step 1} for a {@code tcp-check send} whose string is not shorter than the buffer, and
     * {@code tcp-check send : failed to build HTTP request at step 1} for an HTTP check request whose HTX form
     * does not fit; {@code haproxy -c} accepts both configurations.
     *
     * @param info    the info of the failed check, step included; never null
     * @param step    HAProxy's step number of the send
     * @param comment the rule's comment, or null
     */
    record SendError(String info, int step, String comment) implements CheckRule {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if {@code info} is null
         */
        public SendError {
            Objects.requireNonNull(info, "info");
        }

        /**
         * Returns the error of a {@code tcp-check send} of {@code length} bytes when they do not fit, as HAProxy's
         * {@code tcpcheck_eval_send} tests it: {@code length >= bufferSize}.
         *
         * @param length     the bytes to send
         * @param bufferSize {@code tune.bufsize}, bytes
         * @param step       HAProxy's step number of the send
         * @param comment    the rule's comment, or null
         * @return the error, or null when the bytes fit
         */
        public static SendError ofString(int length, int bufferSize, int step, String comment) {
            return length < bufferSize ? null : new SendError("tcp-check send : string too large (" + length
                    + ") for buffer size (" + bufferSize + ") at step " + step, step, comment);
        }

        /**
         * Returns the error of an HTTP check request whose HTX form takes {@code htxBytes} when they do not fit.
         *
         * @param htxBytes   the request's size as HAProxy's HTX message ({@code HttpRequestEncoder.htxSize})
         * @param bufferSize {@code tune.bufsize}, bytes
         * @param step       HAProxy's step number of the send
         * @return the error, or null when the request fits
         */
        public static SendError ofHttp(int htxBytes, int bufferSize, int step) {
            return htxBytes <= bufferSize ? null
                    : new SendError("tcp-check send : failed to build HTTP request at step " + step, step, null);
        }
    }

    /**
     * Reads an HTTP response and judges it with the backend's {@code http-check expect} rules.
     *
     * @param judge the compiled expect rules; never null
     */
    record ExpectHttp(HttpResponseJudge judge) implements CheckRule {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if {@code judge} is null
         */
        public ExpectHttp {
            Objects.requireNonNull(judge, "judge");
        }

        @Override
        public int step() {
            return 0;
        }

        @Override
        public String comment() {
            return null;
        }
    }

    /**
     * Judges the bytes received since the last send or connect with a {@link ContentMatch}: a
     * {@code tcp-check expect} rule (spec §5.2, §5.3).
     *
     * <table>
     *   <caption>Components</caption>
     *   <tr><th>component</th><th>null / -1 means</th><th>HAProxy keyword</th></tr>
     *   <tr><td>{@code minRecv}</td><td>-1: no minimum, a mismatch waits for more data</td><td>{@code min-recv}</td></tr>
     *   <tr><td>{@code okStatus}</td><td>{@code L7OK}</td><td>{@code ok-status} (last rule only)</td></tr>
     *   <tr><td>{@code errorStatus}</td><td>{@code L7RSP}</td><td>{@code error-status}</td></tr>
     *   <tr><td>{@code timeoutStatus}</td><td>{@code L7TOUT}</td><td>{@code tout-status}</td></tr>
     *   <tr><td>{@code onSuccess}</td><td>{@code (tcp-check)} for tcp-check programs, else no info</td>
     *       <td>{@code on-success}</td></tr>
     *   <tr><td>{@code onError}</td><td>the {@code TCPCHK ...} text for tcp-check programs, else no info</td>
     *       <td>{@code on-error}</td></tr>
     *   <tr><td>{@code statusCode}</td><td>code 0</td><td>{@code status-code}</td></tr>
     * </table>
     *
     * @param match         what to look for; never null
     * @param inverse       negated with {@code !}
     * @param minRecv       the least number of bytes to judge, or -1
     * @param okStatus      the success status, or null
     * @param errorStatus   the failure status, or null
     * @param timeoutStatus the timeout status, or null
     * @param onSuccess     the success info, or null
     * @param onError       the failure info, or null
     * @param statusCode    where the code comes from, or null
     * @param step          the step number, {@code >= 1}
     * @param comment       the comment, or null
     */
    record ExpectContent(ContentMatch match, boolean inverse, int minRecv, CheckStatus okStatus,
                         CheckStatus errorStatus, CheckStatus timeoutStatus, ResponseText onSuccess,
                         ResponseText onError, ResponseCode statusCode, int step, String comment)
            implements CheckRule {

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if {@code match} is null
         * @throws IllegalArgumentException if {@code minRecv} is below -1
         */
        public ExpectContent {
            Objects.requireNonNull(match, "match");
            if (minRecv < -1) {
                throw new IllegalArgumentException("minRecv: " + minRecv + " (expected: >= -1)");
            }
        }

        /**
         * Creates a plain rule: no negation, no minimum, default statuses and texts.
         *
         * @param match what to look for; never null
         * @param step  the step number
         */
        public ExpectContent(ContentMatch match, int step) {
            this(match, false, -1, null, null, null, null, null, null, step, null);
        }
    }

    /**
     * Judges the received bytes with a protocol parser of its own (HAProxy's {@code expect custom}: the MySQL
     * and LDAP checks).
     *
     * @param judge       the parser; never null
     * @param errorStatus the status of an empty response, or null for {@code L7RSP}
     * @param step        the step number, {@code >= 1}
     */
    record ExpectCustom(ProtocolJudge judge, CheckStatus errorStatus, int step) implements CheckRule {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if {@code judge} is null
         */
        public ExpectCustom {
            Objects.requireNonNull(judge, "judge");
        }

        @Override
        public String comment() {
            return null;
        }
    }

    /**
     * Reads one agent reply line and judges it ({@code agent-check}, spec §7): the words up to the first CR or
     * LF, parsed by {@link AgentReply#parse(String)}; the session keeps the reply
     * ({@code CheckSession.agentReply()}). A close with nothing read is {@code L7RSP}
     * {@code TCPCHK got an empty response at step 2}; a close after a partial line waits for the timeout, as
     * HAProxy does.
     *
     * <p>Always step 2: HAProxy builds every agent check as an implicit connect, a {@code send-lf} of
     * {@code agent-send} (step 1, sending nothing when it is empty) and this expect.
     */
    record ExpectAgent() implements CheckRule {

        /** HAProxy's step number of the agent expect. */
        static final int STEP = 2;

        @Override
        public int step() {
            return STEP;
        }

        @Override
        public String comment() {
            return null;
        }
    }

    /**
     * A protocol parser for {@link ExpectCustom}. Pure.
     */
    interface ProtocolJudge {

        /**
         * Judges the bytes received since the last send or connect.
         *
         * @param buffer   the bytes; never null
         * @param length   how many count
         * @param lastRead no more bytes will come (the peer closed, or the buffer is full)
         * @return null to wait for more bytes; a passing verdict (its info and code are the success ones) to go
         *         on with the next rule; a failing verdict to end the check. When the parser is the program's
         *         last rule, its passing verdict is reported as a result of its own before the check's final
         *         {@code L7OK} with no info ({@link CheckVerdict#earlier()})
         */
        CheckVerdict judge(byte[] buffer, int length, boolean lastRead);
    }
}
