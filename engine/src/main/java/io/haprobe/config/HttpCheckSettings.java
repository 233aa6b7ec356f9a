package io.haprobe.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP check of one section while it is parsed: {@code option httpchk}, the first
 * {@code http-check send} and the {@code http-check expect} rules (CFG §4.2; spec §4.1, §4.2).
 *
 * <p>Inheritance follows HAProxy 2.6, verified against 2.6.12: a section inherits its defaults' rules
 * (the {@code option httpchk} request included) as a whole. Its first own {@code http-check} rule drops
 * all of them, the inherited request too, while the "this is an HTTP check" mode stays; its own
 * {@code option httpchk} also drops inherited rules, but keeps rules the section itself declared before.
 *
 * <p>Not thread-safe: owned by one parser.
 */
final class HttpCheckSettings {

    private static final List<StatusRange> IMPLICIT_STATUSES = List.of(new StatusRange(200, 399));

    private boolean enabled;
    private SendParts optionRequest;
    private SendParts send;
    private final List<HttpExpect> expects = new ArrayList<>();
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
        copy.optionRequest = optionRequest;
        copy.send = send;
        copy.expects.addAll(expects);
        copy.inheritedRules = optionRequest != null || send != null || !expects.isEmpty();
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

    /**
     * Tells whether a first {@code http-check send} was already declared, or an expect rule, so that another
     * send would need a {@code connect} rule between them.
     *
     * @return true if a further send is out of sequence
     */
    boolean sendOutOfSequence() {
        return !inheritedRules && (send != null || !expects.isEmpty());
    }

    /**
     * Returns the number of {@code http-check} rules already declared, for HAProxy's "step N" messages.
     *
     * @return the count of rules, the {@code option httpchk} request included
     */
    int steps() {
        return inheritedRules ? 0 : (optionRequest != null ? 1 : 0) + (send != null ? 1 : 0) + expects.size();
    }

    /**
     * Records that the section declares an {@code http-check} rule, dropping inherited rules.
     *
     * @param location where the rule is; never null
     */
    void ownRule(SourceLocation location) {
        if (firstOwnRule == null) {
            firstOwnRule = location;
        }
        dropInheritedRules(true);
    }

    /**
     * Adds the first {@code http-check send}.
     *
     * @param parts the request parts; never null
     */
    void send(SendParts parts) {
        send = parts;
    }

    /**
     * Adds an {@code http-check expect} rule.
     *
     * @param expect the rule; never null
     */
    void expect(HttpExpect expect) {
        expects.add(expect);
    }

    /**
     * Compiles the rules of a proxy section: the merged request first, then the expect rules, or the
     * implicit {@code expect status 200-399} when there is none.
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
        SendParts request = SendParts.merge(optionRequest, send);
        if (request == null) {
            if (!expects.isEmpty() && droppedInheritedRequest) {
                warnings.add(new ConfigWarning(firstOwnRule, kind + " '" + name + "': its http-check rules"
                        + " replace those inherited from defaults, the 'option httpchk' request included,"
                        + " so no request is sent (as in HAProxy 2.6); repeat 'option httpchk' here"));
            }
            rules.addAll(expects);
            return rules;
        }
        HttpSend httpSend = request.toHttpSend();
        rules.add(httpSend);
        if (expects.isEmpty()) {
            rules.add(new HttpExpect(false, HttpExpect.Match.STATUS, "200-399", IMPLICIT_STATUSES, null,
                    httpSend.location()));
        }
        rules.addAll(expects);
        return rules;
    }

    private void dropInheritedRules(boolean byRule) {
        if (!inheritedRules) {
            return;
        }
        droppedInheritedRequest = byRule && optionRequest != null;
        optionRequest = null;
        send = null;
        expects.clear();
        inheritedRules = false;
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
