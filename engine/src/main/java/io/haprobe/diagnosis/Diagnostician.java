package io.haprobe.diagnosis;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.config.HttpCheckRule;
import io.haprobe.config.HttpExpect;
import io.haprobe.config.HttpSend;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.config.SourceLocation;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Picks the runbook's {@link Cause} of a server that is not UP from its configuration, its check history and the
 * follow-up probes, and writes the evidence (with numbers) and the {@link Fix} (config lines as written in the
 * file, before and after).
 *
 * <p>Rules, first match wins:
 * <ol>
 *   <li>{@code L6RSP}/{@code L6TOUT}, a TLS check whose failure names the handshake, or a plain check answered
 *       by TLS bytes: {@code ssl-mismatch}, its fix chosen by the certificate inspection's reason
 *       ({@link TlsFindings}) when there is one, else by the follow-up checks;</li>
 *   <li>checks that passed and failed more than once with {@code L4TOUT}/{@code L4CON}:
 *       {@code resource-exhaustion};</li>
 *   <li>{@code L7STS}/{@code L7RSP}: {@code check-misconfigured} for a 1xx-4xx answer (for a 404, the fix is
 *       another path the config's HTTP checks name when a {@link FollowUp.Kind#PATH} probe got 2xx/3xx from it),
 *       {@code backend-down} for a 5xx (the application reports itself unhealthy);</li>
 *   <li>a timeout ({@code L4TOUT}, {@code L6TOUT}, {@code L7TOUT}) while the long follow-up probe got an answer:
 *       {@code timeout-too-low}; an {@code L4TOUT} the long probe did not get past either, or an ICMP
 *       unreachable: {@code network-blocked}, naming the address the checks leave from;</li>
 *   <li>{@code L4CON} refused: {@code backend-down} if the server was UP during the run (a crash),
 *       {@code port-mismatch} if another port the config names for the host accepts, else
 *       {@code backend-down};</li>
 *   <li>otherwise {@code unknown}.</li>
 * </ol>
 *
 * <p>Pure: no I/O; the config lines come from the {@code lineText} function. Stateless and thread-safe.
 */
public final class Diagnostician {

    private static final Pattern SECTION =
            Pattern.compile("(global|defaults|frontend|backend|listen|peers|resolvers|userlist|"
                    + "program|http-errors|ring|mailers|cache)\\b");
    private static final Pattern TIMEOUT_CHECK = Pattern.compile("timeout\\s+check\\b");

    private Diagnostician() {
    }

    /**
     * Diagnoses one server that is not UP.
     *
     * @param proxy         the server's backend or listen section; never null
     * @param server        the server; never null
     * @param sourceAddress the address the checks leave from (an IP literal): the configured {@code source}, or the
     *                      one the kernel chose (live) or the simulated check carried; null when unknown
     * @param history       the run's checks of the server; never null
     * @param followUps     the follow-up probes' results; never null, empty when probes were off or none applied
     * @param probed        whether follow-up probes were allowed (false: {@code --no-probe}); the evidence says so
     * @param lineText      gives the text of a config line by location (trimmed), or null when the file cannot be
     *                      read (the line is then rebuilt from the parsed values); never null
     * @return the diagnosis, never null
     * @throws NullPointerException if an argument other than {@code sourceAddress} is null
     */
    public static Diagnosis diagnose(ProxyConfig proxy, ServerConfig server, String sourceAddress,
                                     ServerHistory history, List<FollowUp> followUps, boolean probed,
                                     Function<SourceLocation, String> lineText) {
        return diagnose(proxy, server, sourceAddress, history, followUps, null, probed, lineText);
    }

    /**
     * Diagnoses one server that is not UP, with what the certificate follow-up probe found: for
     * {@code ssl-mismatch}, the evidence then quotes the server's certificate (subject, issuer, subject alternative
     * names, validity, self-signed or not) and says why verification fails, and the fix follows that reason
     * ({@code ca-file}, {@code check-sni} with a name the certificate carries, {@code crt}, the versions, or
     * renewing the certificate).
     *
     * @param tls what the certificate probe found, or null when none ran (no TLS failure, {@code --no-probe}, no
     *            TLS provider)
     * @see #diagnose(ProxyConfig, ServerConfig, String, ServerHistory, List, boolean, Function)
     */
    public static Diagnosis diagnose(ProxyConfig proxy, ServerConfig server, String sourceAddress,
                                     ServerHistory history, List<FollowUp> followUps, TlsFindings tls,
                                     boolean probed, Function<SourceLocation, String> lineText) {
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(followUps, "followUps");
        Objects.requireNonNull(lineText, "lineText");
        Run run = new Run(proxy, server, sourceAddress, history, followUps, probed ? null : "--no-probe", lineText);
        run.tls = tls;
        return run.diagnose();
    }

    /**
     * Diagnoses one DOWN transition of a timeline from the checks around it, without follow-up probes (the
     * failure may be over; a probe now would not see it). The first evidence says when the checks started
     * failing, when the server went DOWN and when it left DOWN again, e.g. {@code DOWN at t=12000ms (failing
     * since t=11000ms), UP again at t=40000ms}; the rest is what {@link #diagnose} says of the same checks.
     *
     * @param proxy             the server's backend or listen section; never null
     * @param server            the server; never null
     * @param sourceAddress     the address the checks leave from, or null when unknown
     * @param history           the checks from the previous time the server left DOWN (or the run's start) until it
     *                          left DOWN again (or the run's end); {@link ServerHistory#lastUpMillis()} is the
     *                          transition's time when the server was UP before it, else -1, and its
     *                          {@link ServerHistory#failingSinceMillis()} is that of the transition (built with
     *                          {@link ServerHistory.Builder#downAt(long)} {@code downAtMillis}); never null
     * @param downAtMillis      the transition's time, milliseconds since the run's start
     * @param recoveredAtMillis when the server left DOWN again, or -1 when it was still DOWN at the end
     * @param lineText          gives the text of a config line by location, or null; never null
     * @return the transition's diagnosis, never null
     * @throws NullPointerException     if an argument other than {@code sourceAddress} is null
     * @throws IllegalArgumentException if the times are inconsistent (see {@link TransitionDiagnosis})
     */
    public static TransitionDiagnosis diagnoseTransition(ProxyConfig proxy, ServerConfig server,
                                                         String sourceAddress, ServerHistory history,
                                                         long downAtMillis, long recoveredAtMillis,
                                                         Function<SourceLocation, String> lineText) {
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(lineText, "lineText");
        long failingSince = history.failingSinceMillis();
        String when = "DOWN at t=" + downAtMillis + "ms" + (failingSince >= 0 ? " (failing since t=" + failingSince
                + "ms)" : "") + (recoveredAtMillis >= 0 ? ", UP again at t=" + recoveredAtMillis + "ms"
                : ", still DOWN at the end of the run");
        String reason = recoveredAtMillis >= 0 ? "the server recovered before the end of the run"
                : "a past transition";
        Run run = new Run(proxy, server, sourceAddress, history, List.of(), reason, lineText);
        run.recoveredAtMillis = recoveredAtMillis;
        Diagnosis found = run.diagnose();
        List<String> evidence = new ArrayList<>();
        evidence.add(when);
        evidence.addAll(found.evidence());
        return new TransitionDiagnosis(downAtMillis, recoveredAtMillis,
                new Diagnosis(found.backend(), found.server(), found.cause(), evidence, found.fix()));
    }

    /** The decision for one server. */
    private static final class Run {
        private final ProxyConfig proxy;
        private final ServerConfig server;
        private final String source;
        private final ServerHistory history;
        private final List<FollowUp> followUps;
        private final Function<SourceLocation, String> lineText;
        /** Why no follow-up probe ran ({@code --no-probe}, a past transition), or null when they could. */
        private final String noProbe;
        /** What the certificate probe found, or null. */
        private TlsFindings tls;
        /** For a past transition, when the server left DOWN again; -1 otherwise. */
        private long recoveredAtMillis = -1;
        /** The failed checks and all the completed ones. */
        private final long failures;
        private final long total;
        private final String target;

        Run(ProxyConfig proxy, ServerConfig server, String source, ServerHistory history, List<FollowUp> followUps,
            String noProbe, Function<SourceLocation, String> lineText) {
            this.noProbe = noProbe;
            this.proxy = proxy;
            this.server = server;
            this.source = source;
            this.history = history;
            this.followUps = followUps;
            this.lineText = lineText;
            this.failures = history.failures();
            this.total = history.checks();
            String address = server.effectiveCheckAddress();
            int port = server.effectiveCheckPort();
            this.target = (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
        }

        Diagnosis diagnose() {
            if (failures == 0) {
                return diagnosis(Cause.UNKNOWN, List.of(total == 0
                                ? "no check of " + target + " completed during the run"
                                : "all " + total + " checks of " + target + " passed; the server is not UP for"
                                + " another reason (maintenance, drain or an agent)"),
                        Fix.backendSide("run the checks longer, or look at the server's admin state"));
            }
            CheckOutcome last = history.lastFailure();
            if (sslMismatch(last)) {
                return ssl(last);
            }
            if (intermittent()) {
                return exhaustion();
            }
            CheckStatus status = last.status();
            if (status == CheckStatus.L7STS || status == CheckStatus.L7RSP) {
                return layer7(last);
            }
            if (status == CheckStatus.L4TOUT || status == CheckStatus.L6TOUT || status == CheckStatus.L7TOUT) {
                return timeout(last);
            }
            if (status == CheckStatus.L4CON) {
                return connectError(last);
            }
            return diagnosis(Cause.UNKNOWN, List.of(count(last) + ", last: " + describe(last)),
                    Fix.backendSide("look at the server's logs for the failing check"));
        }

        private boolean sslMismatch(CheckOutcome last) {
            if (last.status() == CheckStatus.L6RSP || last.status() == CheckStatus.L6TOUT) {
                return true;
            }
            String info = last.info().toLowerCase(Locale.ROOT);
            return info.contains("ssl") || info.contains("tls") || info.contains("handshake")
                    || info.contains("certificate");
        }

        private Diagnosis ssl(CheckOutcome last) {
            boolean tls = server.check().tls().checkUsesTls(server.check().target().isSet());
            List<String> evidence = new ArrayList<>();
            evidence.add(count(last) + ", last: " + describe(last));
            evidence.add(tls ? "the check speaks TLS to " + target + " (ssl/check-ssl) and the handshake fails"
                    : "the check speaks plain text to " + target + " and the answer is not plain text");
            String line = serverLine();
            Optional<FollowUp> unverified = followUp(FollowUp.Kind.TLS_UNVERIFIED);
            Optional<FollowUp> anyVersion = followUp(FollowUp.Kind.TLS_ANY_VERSION);
            Optional<FollowUp> plain = followUp(FollowUp.Kind.PLAIN);
            unverified.ifPresent(f -> evidence.add("a follow-up handshake with 'verify none': "
                    + verdict(f.outcome())));
            anyVersion.ifPresent(f -> evidence.add("a follow-up handshake with 'verify none' and any TLS version: "
                    + verdict(f.outcome())));
            plain.ifPresent(f -> evidence.add("a follow-up check without TLS: " + verdict(f.outcome())));
            String lower = last.info().toLowerCase(Locale.ROOT);
            Fix fix = tls ? certificateFix(evidence, line) : null;
            if (fix != null) {
                return diagnosis(Cause.SSL_MISMATCH, evidence, fix);
            }
            if (!tls) {
                fix = new Fix("add 'check-ssl' (the port speaks TLS) or check the port that speaks plain text",
                        line, line + " check-ssl verify none");
            } else if (unverified.filter(f -> passed(f.outcome())).isPresent()
                    && lower.contains("different from the expected")) {
                evidence.add("the certificate does not carry the name 'check-sni'/'verifyhost' asks for");
                fix = new Fix("set 'check-sni' (or 'verifyhost') to a name the server's certificate carries, or "
                        + "issue the server a certificate for the configured name", line,
                        line + " check-sni <name-in-the-certificate>");
            } else if (unverified.filter(f -> passed(f.outcome())).isPresent()) {
                evidence.add("the handshake succeeds once verification is off: the certificate's chain does not "
                        + "verify against the configured CA (unknown CA, self-signed or expired)");
                fix = new Fix("give 'ca-file' the CA that issued the server's certificate (or, where the runbook "
                        + "allows it, 'verify none')", line, line.matches(".* ca-file \\S+.*")
                        ? line.replaceFirst(" ca-file \\S+", " ca-file <issuing-ca.pem>")
                        : line + " ca-file <issuing-ca.pem>");
            } else if (anyVersion.filter(f -> passed(f.outcome())).isPresent()) {
                evidence.add("the handshake succeeds once 'ssl-min-ver'/'ssl-max-ver' are lifted: no TLS version "
                        + "in common");
                String after = line.replaceAll(" ssl-max-ver \\S+", "").replaceAll(" ssl-min-ver \\S+", "");
                fix = new Fix("allow the TLS version the server speaks: remove or widen 'ssl-max-ver'/'ssl-min-ver'",
                        line, after.equals(line) ? line + " ssl-max-ver TLSv1.3" : after);
            } else if (plain.filter(f -> passed(f.outcome())).isPresent()) {
                evidence.add("the check passes without TLS: the port speaks plain text");
                fix = new Fix("remove 'ssl'/'check-ssl' from the server (or add 'no-check-ssl')", line,
                        line.contains(" ssl") || line.contains(" check-ssl")
                                ? line.replace(" check-ssl", "").replace(" ssl", "") : line + " no-check-ssl");
            } else if (lower.contains("verif") || lower.contains("certificate")) {
                fix = new Fix("give 'ca-file' the CA that issued the server's certificate, fix 'sni'/'check-sni',"
                        + " or, where the runbook allows it, 'verify none'", line,
                        line + " verify none");
            } else {
                fix = new Fix("align the TLS versions ('ssl-min-ver'/'ssl-max-ver') and the certificate checks"
                        + " ('ca-file', 'check-sni') with the server, or remove 'ssl' if it speaks plain text",
                        line, line + " verify none");
            }
            return diagnosis(Cause.SSL_MISMATCH, evidence, fix);
        }

        /**
         * Adds the certificate probe's evidence and returns the fix its reason calls for, or null when it found
         * nothing decisive (the follow-up checks decide then).
         */
        private Fix certificateFix(List<String> evidence, String line) {
            if (tls == null) {
                return null;
            }
            X509Certificate leaf = tls.chain().isEmpty() ? null : tls.chain().get(0);
            if (leaf != null) {
                evidence.add("the server presents " + Certificates.describe(leaf)
                        + (tls.protocol() != null ? ", over " + tls.protocol() : ""));
            }
            TlsFindings.Problem problem = tls.problem();
            if (problem != TlsFindings.Problem.NONE) {
                evidence.add("why verification fails: " + problem.text()
                        + (tls.detail() != null ? " (" + tls.detail() + ")" : ""));
            }
            switch (problem) {
                case UNKNOWN_CA -> {
                    boolean selfSigned = leaf != null && Certificates.selfSigned(leaf);
                    return new Fix("give 'ca-file' the CA that issued the server's certificate" + (selfSigned
                            ? " (it is self-signed: the certificate itself)" : "") + ", or, where the runbook allows"
                            + " it, 'verify none'", line, line.matches(".* ca-file \\S+.*")
                            ? line.replaceFirst(" ca-file \\S+", " ca-file <issuing-ca.pem>")
                            : line + " ca-file <issuing-ca.pem>");
                }
                case EXPIRED -> {
                    return Fix.backendSide("renew the server's certificate (it expired "
                            + (leaf == null ? "" : "on " + leaf.getNotAfter().toInstant() + " ") + "); 'verify none' "
                            + "only where the runbook allows it");
                }
                case NOT_YET_VALID -> {
                    return Fix.backendSide("the certificate is not valid yet"
                            + (leaf == null ? "" : " (from " + leaf.getNotBefore().toInstant() + ")")
                            + ": check the clocks of the server and of this host, or the certificate's dates");
                }
                case NAME_MISMATCH -> {
                    String name = leaf == null ? null : Certificates.firstName(leaf);
                    String wanted = name != null ? name : "<name-in-the-certificate>";
                    String after;
                    if (line.matches(".* check-sni \\S+.*")) {
                        after = line.replaceFirst(" check-sni \\S+", " check-sni " + wanted);
                    } else if (line.matches(".* verifyhost \\S+.*")) {
                        after = line.replaceFirst(" verifyhost \\S+", " verifyhost " + wanted);
                    } else {
                        after = line + " check-sni " + wanted;
                    }
                    return new Fix("expect a name the server's certificate carries" + (name != null ? " (" + name
                            + ")" : "") + ", or issue the server a certificate for the configured name", line, after);
                }
                case PROTOCOL_VERSION -> {
                    String after = line.replaceAll(" ssl-max-ver \\S+", "").replaceAll(" ssl-min-ver \\S+", "");
                    String chosen = tls.protocol() != null ? " (" + tls.protocol() + ")" : "";
                    return new Fix("allow the TLS version the server speaks" + chosen + ": remove or widen "
                            + "'ssl-max-ver'/'ssl-min-ver'", line, after.equals(line)
                            ? line + " ssl-max-ver TLSv1.3" : after);
                }
                case CLIENT_CERTIFICATE_REQUIRED -> {
                    return new Fix("present a client certificate the server trusts with 'crt' (certificate and key,"
                            + " PEM)", line, line.matches(".* crt \\S+.*")
                            ? line.replaceFirst(" crt \\S+", " crt <client-cert.pem>") : line + " crt <client-cert.pem>");
                }
                case NOT_TLS -> {
                    return new Fix("remove 'ssl'/'check-ssl' from the server (or add 'no-check-ssl'): the port "
                            + "speaks plain text", line, line.contains(" ssl") || line.contains(" check-ssl")
                            ? line.replace(" check-ssl", "").replace(" ssl", "") : line + " no-check-ssl");
                }
                default -> {
                    return null;
                }
            }
        }

        private Optional<FollowUp> followUp(FollowUp.Kind kind) {
            return followUps.stream().filter(f -> f.kind() == kind).findFirst();
        }

        private boolean intermittent() {
            return history.connectFailure() && history.alternations() >= 3;
        }

        private Diagnosis exhaustion() {
            long passes = total - failures;
            List<String> evidence = new ArrayList<>();
            evidence.add(target + " passed " + passes + " and failed " + failures + " of " + total
                    + " checks, alternating, with connect timeouts or refusals (" + statuses() + ")");
            evidence.add("a server that accepts some connections and drops others is out of accept queue, "
                    + "file descriptors or workers");
            String line = serverLine();
            String after = line.contains(" maxconn ") ? line : line + " maxconn 100";
            return diagnosis(Cause.RESOURCE_EXHAUSTION, evidence,
                    new Fix("limit the connections HAProxy sends with 'maxconn' and raise the backend's listen "
                            + "backlog and file-descriptor limits", line, after));
        }

        private Diagnosis layer7(CheckOutcome last) {
            int code = last.code();
            List<String> evidence = new ArrayList<>();
            evidence.add(target + " answered " + (code > 0 ? code + " " : "") + "\"" + last.info() + "\" ("
                    + last.status().tag() + ") on " + failures + " of " + total + " checks");
            Optional<HttpExpect> expect = expectRule();
            String rule = expect.map(this::expectLine).orElse(null);
            if (rule != null) {
                evidence.add("rejected by '" + rule + "' (" + expect.get().location() + ")");
            } else if (proxy.httpCheck()) {
                evidence.add("rejected by option httpchk's implicit 'http-check expect status 200-399'");
            }
            if (code >= 500) {
                return diagnosis(Cause.BACKEND_DOWN, evidence,
                        Fix.backendSide("the application reports itself unhealthy (" + code + "): fix it on "
                                + "the backend; the check is right to fail"));
            }
            if (code == 404) {
                evidence.add("the check's path does not exist on the server");
                Fix path = otherPath(evidence);
                return diagnosis(Cause.CHECK_MISCONFIGURED, evidence, path != null ? path
                        : Fix.backendSide("point 'option httpchk'/'http-check send' at a path the server serves"
                                + " (e.g. its health endpoint), or serve the configured path"));
            }
            if (rule == null) {
                return diagnosis(Cause.CHECK_MISCONFIGURED, evidence,
                        Fix.backendSide("add 'http-check expect status " + Math.max(code, 200)
                                + "' after 'option httpchk' if that answer means healthy"));
            }
            String indent = "";
            String after;
            if (code >= 200 && code < 400 && expect.get().match() == HttpExpect.Match.STATUS) {
                after = code == 204 || code == 200 ? "http-check expect status " + code
                        : "http-check expect status 200-399";
            } else if (code >= 200 && code < 400) {
                after = "http-check expect rstatus (2|3)[0-9][0-9]";
            } else {
                after = "http-check expect status " + code;
            }
            return diagnosis(Cause.CHECK_MISCONFIGURED, evidence,
                    new Fix("expect what the server answers when healthy (or 'status 200-399', or 'rstatus "
                            + "(2|3)[0-9][0-9]' for any 2xx/3xx)", indent + rule, indent + after));
        }

        /**
         * Adds what the other configured paths answered and, when one answered 2xx or 3xx, returns the fix that
         * checks it: the line naming the request URI ({@code option httpchk} or {@code http-check send}) with
         * that path; null when none did.
         */
        private Fix otherPath(List<String> evidence) {
            String found = null;
            for (FollowUp probe : followUps) {
                if (probe.kind() != FollowUp.Kind.PATH) {
                    continue;
                }
                CheckOutcome outcome = probe.outcome();
                int code = outcome.status().hasCode() ? outcome.code() : 0;
                boolean answers = code >= 200 && code < 400;
                evidence.add("the same check with '" + probe.path() + "' (another check's path in the config): "
                        + describe(outcome) + (answers ? ", the server serves it" : ""));
                if (answers && found == null) {
                    found = probe.path();
                }
            }
            if (found == null) {
                return null;
            }
            HttpSend send = null;
            for (HttpCheckRule rule : proxy.httpCheckRules()) {
                if (rule instanceof HttpSend s) {
                    send = s;
                    break;
                }
            }
            if (send == null) {
                return null;
            }
            String quoted = java.util.regex.Pattern.quote(send.uri());
            Pattern naming = Pattern.compile("(option\\s+httpchk|http-check\\s+send)\\b.*(^|\\s)" + quoted
                    + "(\\s.*|$)");
            String text = lineText.apply(send.location());
            if (text == null || !naming.matcher(text).matches()) {
                text = sectionLine(naming);
            }
            String before;
            String after;
            if (text != null) {
                before = text;
                after = text.replaceFirst("(^|(?<=\\s))" + quoted + "(?=\\s|$)",
                        java.util.regex.Matcher.quoteReplacement(found));
            } else {
                before = "option httpchk " + send.method() + " " + send.uri();
                after = "option httpchk " + send.method() + " " + found;
            }
            return new Fix("check the path the server serves (" + found + ", which another check in the config uses)",
                    before, after);
        }

        /** The first line of the server's section that matches {@code pattern}, or null. */
        private String sectionLine(Pattern pattern) {
            SourceLocation section = proxy.location();
            for (int line = section.line() + 1; ; line++) {
                String text = lineText.apply(new SourceLocation(section.file(), line, 1));
                if (text == null || SECTION.matcher(text).lookingAt()) {
                    return null;
                }
                if (pattern.matcher(text).matches()) {
                    return text;
                }
            }
        }

        private Diagnosis timeout(CheckOutcome last) {
            Optional<FollowUp> longProbe = followUps.stream()
                    .filter(f -> f.kind() == FollowUp.Kind.LONG_TIMEOUT).findFirst();
            long appliedMillis = appliedTimeoutMillis(last.status());
            String applied = appliedTimeoutName(last.status());
            List<String> evidence = new ArrayList<>();
            evidence.add(count(last) + ", each after " + last.durationMillis() + "ms");
            evidence.add("the timeout that applied: " + applied + " " + appliedMillis + "ms");
            if (longProbe.isPresent() && answered(longProbe.get().outcome())) {
                CheckOutcome answer = longProbe.get().outcome();
                long latency = Math.max(1, answer.durationMillis());
                evidence.add("a follow-up check with a long timeout got " + describe(answer));
                long wanted = roundUp(latency * 2);
                String before = timeoutCheckLine();
                String after = "timeout check " + wanted + "ms";
                Fix fix = before != null ? new Fix("set 'timeout check' to at least 2x the measured latency ("
                        + latency + "ms), and make the health endpoint cheap (no database round trips)", before, after)
                        : new Fix("add 'timeout check' of at least 2x the measured latency (" + latency + "ms) in "
                        + "the backend or defaults, and make the health endpoint cheap",
                        "backend " + proxy.name(), "backend " + proxy.name() + "\n    " + after);
                return diagnosis(Cause.TIMEOUT_TOO_LOW, evidence, fix);
            }
            if (last.status() == CheckStatus.L4TOUT) {
                longProbe.ifPresent(f -> evidence.add("a follow-up connect with a long timeout got no answer either ("
                        + describe(f.outcome()) + "): the SYN is never answered"));
                return blocked(evidence);
            }
            longProbe.ifPresent(f -> evidence.add("a follow-up check with a long timeout got no answer either ("
                    + describe(f.outcome()) + ")"));
            if (noProbe != null) {
                evidence.add("no follow-up probe (" + noProbe + "): cannot tell a slow server from a hung one");
            }
            return diagnosis(Cause.UNKNOWN, evidence,
                    Fix.backendSide("the server accepts connections but does not answer the check: look at "
                            + "the application (hung workers, deadlocks)"));
        }

        private Diagnosis blocked(List<String> evidence) {
            boolean configured = server.source().isSet();
            String route = "the host's address for the route to " + server.effectiveCheckAddress();
            if (source == null) {
                evidence.add("the checks leave from " + (configured ? server.source().address() + " ('source')"
                        : route));
            } else {
                evidence.add("the checks leave from " + source + (configured ? " ('source')"
                        : " (no 'source' is set: " + route + ")"));
            }
            String line = serverLine();
            String from = source != null ? source : configured ? server.source().address() : null;
            Fix fix = configured
                    ? Fix.backendSide("allow " + from + " to reach " + target + " on the backend's firewall, or set "
                    + "'source' to an address it allows")
                    : new Fix("allow " + (from != null ? from : "the checks' source address") + " on the backend's "
                    + "firewall, or make the checks leave from an allowed address with 'source'", line,
                    line + " source <allowed-address>");
            return diagnosis(Cause.NETWORK_BLOCKED, evidence, fix);
        }

        private Diagnosis connectError(CheckOutcome last) {
            String info = last.info().toLowerCase(Locale.ROOT);
            List<String> evidence = new ArrayList<>();
            if (info.contains("unreachable") || info.contains("no route")) {
                evidence.add(count(last) + ": " + describe(last) + " (an ICMP unreachable)");
                return blocked(evidence);
            }
            evidence.add(target + " refused the connection (L4CON) on " + failures + " of " + total
                    + " checks: nothing listens there");
            if (history.wasUp()) {
                evidence.add("the server was UP until " + history.lastUpMillis() + "ms into the run, then "
                        + "refused: it crashed or was stopped");
                return diagnosis(Cause.BACKEND_DOWN, evidence, Fix.backendSide(recoveredAtMillis >= 0
                        ? "find why the service on " + target + " stopped (its logs, the OOM killer); it answered "
                        + "again at t=" + recoveredAtMillis + "ms"
                        : "restart the service on " + target + " and find why it stopped (its logs, the OOM "
                        + "killer)"));
            }
            List<FollowUp> ports = followUps.stream().filter(f -> f.kind() == FollowUp.Kind.PORT).toList();
            Optional<FollowUp> open = ports.stream().filter(f -> passed(f.outcome())).findFirst();
            for (FollowUp port : ports) {
                evidence.add(port.target() + ": " + (passed(port.outcome()) ? "accepts connections"
                        : describe(port.outcome())));
            }
            if (open.isPresent()) {
                String line = serverLine();
                int port = open.get().port();
                String after = withPort(line, port);
                return diagnosis(Cause.PORT_MISMATCH, evidence,
                        new Fix("check the port that listens (" + port + ")", line, after));
            }
            if (noProbe != null) {
                evidence.add("no follow-up probe (" + noProbe + "): other ports not tried");
            } else if (ports.isEmpty()) {
                evidence.add("the config names no other port for " + server.effectiveCheckAddress());
            }
            return diagnosis(Cause.BACKEND_DOWN, evidence,
                    Fix.backendSide("start the service on " + target + " (refused on every port the config "
                            + "names for this host)"));
        }

        private String withPort(String line, int port) {
            int checkPort = server.check().target().port();
            if (checkPort > 0 && line.matches(".*\\sport\\s+" + checkPort + "\\b.*")) {
                return line.replaceFirst("(\\sport\\s+)" + checkPort + "\\b", "$1" + port);
            }
            String hostPort = ":" + server.port();
            int at = line.indexOf(server.address() + hostPort);
            if (at >= 0) {
                return line.substring(0, at) + server.address() + ":" + port
                        + line.substring(at + server.address().length() + hostPort.length());
            }
            return line + " port " + port;
        }

        private long appliedTimeoutMillis(CheckStatus status) {
            long inter = server.timing().interNanos();
            long check = proxy.timeoutCheckNanos();
            long connect = proxy.timeoutConnectNanos();
            long nanos;
            if (status == CheckStatus.L4TOUT) {
                nanos = check > 0 && connect > 0 ? Math.min(inter, connect) : inter;
            } else {
                nanos = check > 0 ? check : inter;
            }
            return TimeUnit.NANOSECONDS.toMillis(nanos);
        }

        private String appliedTimeoutName(CheckStatus status) {
            long inter = server.timing().interNanos();
            long check = proxy.timeoutCheckNanos();
            long connect = proxy.timeoutConnectNanos();
            if (status == CheckStatus.L4TOUT) {
                return check > 0 && connect > 0 && connect < inter ? "timeout connect" : "inter";
            }
            return check > 0 ? "timeout check" : "inter (no timeout check)";
        }

        /**
         * Finds the {@code timeout check} line in force: in the section, else the nearest one above it (its
         * defaults); rebuilt from the value when the file cannot be read.
         */
        private String timeoutCheckLine() {
            if (proxy.timeoutCheckNanos() <= 0) {
                return null;
            }
            SourceLocation section = proxy.location();
            for (int line = section.line() + 1; ; line++) {
                String text = lineText.apply(new SourceLocation(section.file(), line, 1));
                if (text == null || SECTION.matcher(text).lookingAt()) {
                    break;
                }
                if (TIMEOUT_CHECK.matcher(text).lookingAt()) {
                    return text;
                }
            }
            for (int line = section.line() - 1; line >= 1; line--) {
                String text = lineText.apply(new SourceLocation(section.file(), line, 1));
                if (text == null) {
                    break;
                }
                if (TIMEOUT_CHECK.matcher(text).lookingAt()) {
                    return text;
                }
            }
            return "timeout check " + TimeUnit.NANOSECONDS.toMillis(proxy.timeoutCheckNanos()) + "ms";
        }

        private Optional<HttpExpect> expectRule() {
            HttpExpect found = null;
            for (HttpCheckRule rule : proxy.httpCheckRules()) {
                if (rule instanceof HttpExpect expect) {
                    String text = lineText.apply(expect.location());
                    // option httpchk's implicit 'status 200-399' is located at the option's line
                    found = text != null && text.startsWith("option") ? null : expect;
                }
            }
            return Optional.ofNullable(found);
        }

        private String expectLine(HttpExpect expect) {
            String text = lineText.apply(expect.location());
            if (text != null && text.startsWith("http-check expect")) {
                return text;
            }
            return "http-check expect " + (expect.inverse() ? "! " : "") + expect.match().keyword() + " "
                    + expect.pattern();
        }

        private String serverLine() {
            String text = lineText.apply(server.location());
            if (text != null && text.startsWith("server")) {
                return text;
            }
            String address = server.address().contains(":") ? "[" + server.address() + "]" : server.address();
            StringBuilder line = new StringBuilder("server ").append(server.name()).append(' ').append(address);
            if (server.port() > 0) {
                line.append(':').append(server.port());
            }
            line.append(" check");
            if (server.check().target().port() > 0) {
                line.append(" port ").append(server.check().target().port());
            }
            return line.toString();
        }

        private String count(CheckOutcome last) {
            return target + " failed " + failures + " of " + total + " checks (" + statuses() + ")";
        }

        private String statuses() {
            List<String> parts = new ArrayList<>();
            history.failureStatuses().forEach((status, n) -> parts.add(n + "x " + status.tag()));
            return String.join(", ", parts);
        }

        private Diagnosis diagnosis(Cause cause, List<String> evidence, Fix fix) {
            return new Diagnosis(proxy.name(), server.name(), cause, evidence, fix);
        }
    }

    private static boolean passed(CheckOutcome outcome) {
        return outcome.result() == io.haprobe.CheckResult.PASSED || outcome.result() == io.haprobe.CheckResult.CONDPASS;
    }

    private static String verdict(CheckOutcome outcome) {
        return (passed(outcome) ? "passes (" : "fails (") + describe(outcome) + ")";
    }

    private static boolean answered(CheckOutcome outcome) {
        CheckStatus status = outcome.status();
        return status != CheckStatus.L4TOUT && status != CheckStatus.L6TOUT && status != CheckStatus.L7TOUT
                && status != CheckStatus.L4CON && status != CheckStatus.SOCKERR;
    }

    private static long roundUp(long millis) {
        long step = millis >= 10_000 ? 1000 : millis >= 1000 ? 500 : 100;
        return (millis + step - 1) / step * step;
    }

    /**
     * Describes an outcome as the summary prints it: status tag, code when it has one, and info.
     *
     * @param outcome the outcome; never null
     * @return e.g. {@code L7STS 204 "No Content" in 2ms}; never null
     */
    public static String describe(CheckOutcome outcome) {
        StringBuilder text = new StringBuilder(outcome.status().tag());
        if (outcome.status().hasCode()) {
            text.append(' ').append(outcome.code());
        }
        if (!outcome.info().isEmpty()) {
            text.append(" \"").append(outcome.info()).append('"');
        }
        return text.append(" in ").append(outcome.durationMillis()).append("ms").toString();
    }
}
