package io.haprobe.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP check of one section while it is parsed: {@code option httpchk}, the {@code http-check connect},
 * {@code send} and {@code expect} rules in declaration order, {@code disable-on-404} and {@code send-state}
 * (CFG §4.2; spec §4.1, §4.2, §4.4).
 *
 * <p>Inheritance follows HAProxy 2.6, verified against 2.6.12: a section inherits its defaults' rules
 * (the {@code option httpchk} request included) as a whole. Its first own {@code http-check} rule drops
 * all of them, the inherited request too, while the "this is an HTTP check" mode stays; its own
 * {@code option httpchk} also drops inherited rules, but keeps rules the section itself declared before.
 * {@code disable-on-404} and {@code send-state} are proxy options: inherited, never dropped.
 *
 * <p>Sequencing, checked as each rule is declared (the {@code option httpchk} request does not count):
 * a {@code send} must follow a {@code connect}, an {@code expect} a send or an expect, a {@code connect} an
 * expect; and once there is a {@code connect}, the first rule must be one. {@link #sequenceError} words
 * HAProxy's messages.
 *
 * <p>Not thread-safe: owned by one parser.
 */
final class HttpCheckSettings {

    private static final List<StatusRange> IMPLICIT_STATUSES = List.of(new StatusRange(200, 399));

    private boolean enabled;
    private boolean disableOn404;
    private boolean sendState;
    private SendParts optionRequest;
    private final List<Step> steps = new ArrayList<>();
    private int ruleLines;
    private String pendingComment;
    private Kind pendingCommentKind;
    private boolean inheritedRules;
    private SourceLocation firstOwnRule;
    private boolean droppedInheritedRequest;

    /**
     * Returns a copy for a section inheriting these settings: same rules, marked as inherited.
     *
     * @return a new instance
     */
    HttpCheckSettings inherit() {
        HttpCheckSettings copy = new HttpCheckSettings();
        copy.enabled = enabled;
        copy.disableOn404 = disableOn404;
        copy.sendState = sendState;
        copy.optionRequest = optionRequest;
        copy.steps.addAll(steps);
        copy.inheritedRules = optionRequest != null || !steps.isEmpty();
        return copy;
    }

    /**
     * Applies {@code option httpchk}: enables the HTTP check and sets its request, dropping inherited rules.
     *
     * @param request the request of the option; never null
     */
    void optionHttpchk(SendParts request) {
        dropInheritedRules(false);
        enabled = true;
        optionRequest = request;
    }

    /** Applies another check option ({@code option tcp-check}, ...): the section no longer uses httpchk. */
    void otherCheckOption() {
        enabled = false;
    }

    /** Applies {@code http-check disable-on-404}. */
    void disableOn404() {
        disableOn404 = true;
    }

    /** Applies {@code http-check send-state}. */
    void sendState() {
        sendState = true;
    }

    /**
     * Records that the section declares an {@code http-check} rule line (connect, send, expect, comment,
     * set-var, unset-var), dropping inherited rules and counting the line for HAProxy's step numbers.
     *
     * @param location where the rule is; never null
     */
    void ownRule(SourceLocation location) {
        if (firstOwnRule == null) {
            firstOwnRule = location;
        }
        dropInheritedRules(true);
        ruleLines++;
    }

    /**
     * Tells why a rule of {@code kind}, declared now (after {@link #ownRule}), breaks HAProxy's sequencing.
     *
     * @param kind the rule kind; never null
     * @return HAProxy's message, or null when the rule may be added
     */
    String sequenceError(Kind kind) {
        if (kind == Kind.CONNECT && !steps.isEmpty() && steps.get(0).kind() != Kind.CONNECT) {
            return "first step MUST also be a 'connect', optionally preceded by a 'set-var', an 'unset-var' or a"
                    + " 'comment', when there is a 'connect' step in the tcp-check ruleset";
        }
        if (steps.isEmpty()) {
            return null;
        }
        Kind last = steps.get(steps.size() - 1).kind();
        String missing = switch (kind) {
            case SEND -> last != Kind.CONNECT ? "connect" : null;
            case EXPECT -> last == Kind.CONNECT ? "send" : null;
            case CONNECT -> last != Kind.EXPECT ? "expect" : null;
        };
        return missing == null ? null : "unable to add http-check " + kind.keyword() + " rule at step " + ruleLines
                + " (missing " + missing + " rule)";
    }

    /**
     * Records an {@code http-check comment}: it becomes the comment of the next rules of one kind that have
     * none (spec §5.2).
     *
     * @param text the comment; never null
     */
    void comment(String text) {
        pendingComment = text;
        pendingCommentKind = null;
    }

    /**
     * Adds an {@code http-check connect}.
     *
     * @param connect the rule; never null
     */
    void connect(HttpConnect connect) {
        String comment = takeComment(Kind.CONNECT);
        steps.add(new Step(Kind.CONNECT, comment != null && connect.comment() == null
                ? new HttpConnect(connect.port(), connect.address(), connect.linger(), comment, connect.location(),
                        connect.options())
                : connect, null));
    }

    /**
     * Adds an {@code http-check send}.
     *
     * @param parts the request parts; never null
     */
    void send(SendParts parts) {
        takeComment(Kind.SEND);
        steps.add(new Step(Kind.SEND, null, parts));
    }

    /**
     * Adds an {@code http-check expect} rule.
     *
     * @param expect the rule; never null
     */
    void expect(HttpExpect expect) {
        String comment = takeComment(Kind.EXPECT);
        if (comment != null && expect.options().comment() == null) {
            expect = new HttpExpect(expect.inverse(), expect.match(), expect.pattern(), expect.statuses(),
                    expect.regex(), expect.header(), expect.options().withComment(comment), expect.location());
        }
        steps.add(new Step(Kind.EXPECT, expect, null));
    }

    /**
     * Tells whether {@code http-check disable-on-404} applies: it was given and the section uses httpchk.
     *
     * @return true if a 404 is a conditional pass
     */
    boolean disablesOn404() {
        return enabled && disableOn404;
    }

    /**
     * Tells whether {@code http-check send-state} applies: it was given and the section uses httpchk.
     *
     * @return true if requests carry {@code X-Haproxy-Server-State}
     */
    boolean sendsState() {
        return enabled && sendState;
    }

    /**
     * Compiles the rules of a proxy section: the {@code option httpchk} request merged into the first send
     * (or put first when the rules start with no send), then the rules in order, and the implicit
     * {@code expect status 200-399} when the last rule is a send.
     *
     * @param kind     {@code backend} or {@code proxy}, for warnings; never null
     * @param name     the section name; never null
     * @param warnings where to add warnings; never null
     * @return the rules, empty for a plain connect check; never null
     */
    List<HttpCheckRule> build(String kind, String name, List<ConfigWarning> warnings) {
        List<HttpCheckRule> rules = new ArrayList<>();
        if (!enabled) {
            if (firstOwnRule != null) {
                warnings.add(new ConfigWarning(firstOwnRule, kind + " '" + name
                        + "' uses http-check rules without 'option httpchk', so the rules are ignored"));
            }
            return rules;
        }
        List<Object> merged = new ArrayList<>();
        for (Step step : steps) {
            merged.add(step.kind() == Kind.SEND ? step.send() : step.rule());
        }
        int firstSend = firstSendIndex();
        if (optionRequest != null) {
            if (firstSend >= 0) {
                merged.set(firstSend, SendParts.merge(optionRequest, steps.get(firstSend).send()));
            } else {
                merged.add(0, optionRequest);
            }
        } else if (firstSend < 0 && !steps.isEmpty() && droppedInheritedRequest) {
            warnings.add(new ConfigWarning(firstOwnRule, kind + " '" + name + "': its http-check rules"
                    + " replace those inherited from defaults, the 'option httpchk' request included,"
                    + " so no request is sent (as in HAProxy 2.6); repeat 'option httpchk' here"));
        }
        for (Object item : merged) {
            rules.add(item instanceof SendParts parts ? parts.toHttpSend() : (HttpCheckRule) item);
        }
        if (!rules.isEmpty() && rules.get(rules.size() - 1) instanceof HttpSend last) {
            rules.add(new HttpExpect(false, HttpExpect.Match.STATUS, "200-399", IMPLICIT_STATUSES, null,
                    last.location()));
        }
        return rules;
    }

    private int firstSendIndex() {
        if (!steps.isEmpty() && steps.get(0).kind() == Kind.SEND) {
            return 0;
        }
        if (steps.size() > 1 && steps.get(0).kind() == Kind.CONNECT && steps.get(1).kind() == Kind.SEND) {
            return 1;
        }
        return -1;
    }

    private String takeComment(Kind kind) {
        if (pendingComment == null) {
            return null;
        }
        if (pendingCommentKind != null && pendingCommentKind != kind) {
            pendingComment = null;
            return null;
        }
        pendingCommentKind = kind;
        return pendingComment;
    }

    private void dropInheritedRules(boolean byRule) {
        if (!inheritedRules) {
            return;
        }
        droppedInheritedRequest = byRule && optionRequest != null;
        optionRequest = null;
        steps.clear();
        inheritedRules = false;
    }

    /** The kinds of sequenced {@code http-check} rules. */
    enum Kind {
        CONNECT, SEND, EXPECT;

        String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One declared rule: a connect or expect rule, or the parts of a send. */
    private record Step(Kind kind, HttpCheckRule rule, SendParts send) {
    }

    /**
     * The fields of one request declaration before defaults are filled in; null fields were not given.
     *
     * @param method   the method or null
     * @param uri      the URI or null
     * @param version  the version or null
     * @param headers  the headers, empty for none given; never null
     * @param body     the body or null
     * @param location where it was declared; never null
     */
    record SendParts(String method, String uri, String version, List<HttpHeader> headers, String body,
                     SourceLocation location) {

        /** Copies the header list. */
        SendParts {
            headers = List.copyOf(headers);
        }

        /**
         * Merges the {@code option httpchk} request with the first {@code http-check send} (spec §4.2):
         * the later-declared one's fields win, its headers replace the others only if it has some.
         *
         * @param option the option's request, or null
         * @param send   the first send rule, or null
         * @return the merged parts, or null if both are null
         */
        static SendParts merge(SendParts option, SendParts send) {
            if (option == null || send == null) {
                return option != null ? option : send;
            }
            boolean sendLater = compare(send.location, option.location) > 0;
            SendParts earlier = sendLater ? option : send;
            SendParts later = sendLater ? send : option;
            return new SendParts(
                    later.method != null ? later.method : earlier.method,
                    later.uri != null ? later.uri : earlier.uri,
                    later.version != null ? later.version : earlier.version,
                    later.headers.isEmpty() ? earlier.headers : later.headers,
                    later.body != null ? later.body : earlier.body,
                    later.location);
        }

        /**
         * Fills HAProxy's defaults in: {@code OPTIONS}, {@code /}, {@code HTTP/1.0}, no body.
         *
         * @return the request rule
         */
        HttpSend toHttpSend() {
            return new HttpSend(
                    method != null ? method : HttpSend.DEFAULT_METHOD,
                    uri != null ? uri : HttpSend.DEFAULT_URI,
                    version != null ? version : HttpSend.DEFAULT_VERSION,
                    headers,
                    body != null ? body : "",
                    location);
        }

        private static int compare(SourceLocation a, SourceLocation b) {
            return a.line() != b.line() ? Integer.compare(a.line(), b.line()) : Integer.compare(a.column(), b.column());
        }
    }
}
