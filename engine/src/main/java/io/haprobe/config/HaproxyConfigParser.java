package io.haprobe.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Parses haproxy.cfg text into a {@link HaproxyConfig}, following HAProxy 2.6 (CFG §2 to §5).
 *
 * <p>Sections: {@code global} ({@code spread-checks}, {@code max-spread-checks}, {@code ssl-server-verify},
 * {@code ca-base}, {@code crt-base}), {@code defaults} (unnamed,
 * named, {@code from}), {@code backend} and {@code listen} (with {@code from}); {@code frontend} and other
 * section kinds are skipped. A proxy without {@code from} inherits the last {@code defaults} section before
 * it; inherited are the check and connect timeouts, {@code option httpchk} with its rules, the other check
 * options with the {@code tcp-check} rules ({@link TcpCheckSettings}),
 * {@code option log-health-checks} and the {@code default-server} preset. Keywords outside haprobe's scope
 * are accepted, at most with a {@link ConfigWarning}; supported keywords used wrongly are a
 * {@link ConfigException} whose message is {@code file:line:column: detail}.
 *
 * <p>Instances are single-use and not thread-safe; the static entry points create one per call. The
 * result is immutable. Parsing throws nothing but {@link ConfigException}, whatever the input.
 */
final class HaproxyConfigParser {

    private static final Set<String> SECTIONS_SKIPPED_SILENTLY = Set.of("frontend");
    private static final Set<String> OTHER_SECTIONS = Set.of("userlist", "peers", "resolvers", "mailers",
            "program", "http-errors", "ring", "cache", "fcgi-app", "dynamic-update", "crt-store", "traces");
    private static final Set<String> UNSUPPORTED_CHECK_OPTIONS = Set.of("spop-check", "external-check");
    private static final Set<String> OUT_OF_SCOPE_PROXY_KEYWORDS = Set.of("acl", "balance", "bind",
            "capture", "compression", "cookie", "default_backend", "description", "disabled", "dispatch",
            "email-alert", "enabled", "errorfile", "errorfiles", "errorloc", "errorloc302", "errorloc303",
            "filter", "force-persist", "fullconn", "hash-balance-factor", "hash-type", "http-after-response",
            "http-error", "http-request", "http-response", "http-reuse", "http-send-name-header", "id",
            "ignore-persist", "load-server-state-from-file", "log", "log-format", "log-format-sd", "log-tag",
            "max-keep-alive-queue", "maxconn", "mode", "monitor", "monitor-uri", "persist", "rate-limit",
            "redirect", "retries", "retry-on", "server-state-file-name", "server-template", "source", "stats",
            "stick", "stick-table", "stick-store-request", "stick-store-response", "tcp-request",
            "tcp-response", "unique-id-format", "unique-id-header", "use-server", "use_backend", "use-fcgi-app",
            "backlog", "clitcpka-cnt", "clitcpka-idle", "clitcpka-intvl", "srvtcpka-cnt", "srvtcpka-idle",
            "srvtcpka-intvl", "declare", "error-log-format", "guid");

    /**
     * Reads a file as UTF-8 (malformed bytes replaced) and parses it with the process environment.
     *
     * @param path the file; never null
     * @return the configuration
     * @throws ConfigException if the file cannot be read (at {@code file:1:1}, with the OS reason) or is
     *                         malformed
     */
    static HaproxyConfig parse(Path path) {
        Objects.requireNonNull(path, "path");
        String text = ConfigFiles.readUtf8(path);
        return new HaproxyConfigParser(path.toString(), System.getenv()).parse(text);
    }

    /**
     * Parses text with the process environment.
     *
     * @param file the file name used in messages; never null
     * @param text the configuration; never null
     * @return the configuration
     * @throws ConfigException if the text is malformed
     */
    static HaproxyConfig parse(String file, String text) {
        return new HaproxyConfigParser(file, System.getenv()).parse(text);
    }

    private final String file;
    private final ConfigLineTokenizer tokenizer;
    private final List<ConfigWarning> warnings = new ArrayList<>();
    private final List<ProxyConfig> proxies = new ArrayList<>();
    private final Map<String, Section> namedDefaults = new HashMap<>();
    private Section lastDefaults = new Section(SectionKind.DEFAULTS, "", null);
    private Section current;
    private SectionKind skipping = SectionKind.NONE;
    private int spreadChecks;
    private long maxSpreadChecksNanos;
    private String node;
    private boolean sslServerVerifyRequired = true;
    private String caBase;
    private String crtBase;
    private int line;
    private boolean used;
    private final TcpCheckSettings.Context context = new LineContext();

    /**
     * Creates a parser for one text.
     *
     * @param file the file name used in messages; never null
     * @param env  the environment for {@code ${NAME}} expansion; never null
     * @throws NullPointerException if an argument is null
     */
    HaproxyConfigParser(String file, Map<String, String> env) {
        this.file = Objects.requireNonNull(file, "file");
        this.tokenizer = new ConfigLineTokenizer(env);
    }

    /**
     * Parses the text. May be called once per instance.
     *
     * @param text the configuration; never null
     * @return the configuration
     * @throws ConfigException      if the text is malformed
     * @throws IllegalStateException if called twice
     */
    HaproxyConfig parse(String text) {
        Objects.requireNonNull(text, "text");
        if (used) {
            throw new IllegalStateException("parser already used (expected: one parse per instance)");
        }
        used = true;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            line = i + 1;
            List<ConfigToken> tokens = tokenizer.tokenize(file, line, lines[i]);
            if (!tokens.isEmpty()) {
                parseLine(tokens);
            }
        }
        closeSection();
        GlobalSettings global = new GlobalSettings(spreadChecks, maxSpreadChecksNanos, node,
                sslServerVerifyRequired, caBase, crtBase);
        for (ProxyConfig proxy : proxies) {
            requireCaFiles(proxy, global);
        }
        return new HaproxyConfig(file, global, proxies, warnings);
    }

    private void parseLine(List<ConfigToken> tokens) {
        ConfigToken keyword = tokens.get(0);
        String word = keyword.text();
        if (word.startsWith(".")) {
            warn(keyword, "directive '" + word + "' is not supported, line ignored");
            return;
        }
        switch (word) {
            case "global" -> openGlobal();
            case "defaults" -> openDefaults(tokens);
            case "backend" -> openProxy(tokens, SectionKind.BACKEND);
            case "listen" -> openProxy(tokens, SectionKind.LISTEN);
            default -> {
                if (SECTIONS_SKIPPED_SILENTLY.contains(word) || OTHER_SECTIONS.contains(word)) {
                    closeSection();
                    skipping = SectionKind.OTHER;
                    if (OTHER_SECTIONS.contains(word)) {
                        warn(keyword, "section '" + word + "' is not supported, skipped");
                    }
                    return;
                }
                parseSectionKeyword(tokens);
            }
        }
    }

    private void parseSectionKeyword(List<ConfigToken> tokens) {
        switch (skipping) {
            case OTHER -> {
                return;
            }
            case GLOBAL -> {
                parseGlobalKeyword(tokens);
                return;
            }
            case NONE -> throw error(tokens.get(0), "unknown keyword '" + tokens.get(0).text() + "' out of section");
            default -> parseProxyKeyword(tokens);
        }
    }

    private void openGlobal() {
        closeSection();
        skipping = SectionKind.GLOBAL;
    }

    private void openDefaults(List<ConfigToken> tokens) {
        closeSection();
        String name = "";
        int next = 1;
        if (tokens.size() > 1 && !tokens.get(1).is("from")) {
            name = tokens.get(1).text();
            next = 2;
        }
        Section parent = null;
        if (tokens.size() > next && tokens.get(next).is("from")) {
            parent = lookupDefaults(tokens, next);
            next += 2;
        }
        if (tokens.size() > next) {
            warn(tokens.get(next), "unexpected argument '" + tokens.get(next).text() + "' ignored");
        }
        current = new Section(SectionKind.DEFAULTS, name, location(tokens.get(0)));
        if (parent != null) {
            current.inheritFrom(parent);
        }
        skipping = SectionKind.DEFAULTS;
    }

    private void openProxy(List<ConfigToken> tokens, SectionKind kind) {
        closeSection();
        ConfigToken keyword = tokens.get(0);
        if (tokens.size() < 2) {
            throw error(keyword, "'" + keyword.text() + "' expects <name> as argument");
        }
        Section parent = lastDefaults;
        for (int i = 2; i < tokens.size(); i++) {
            if (tokens.get(i).is("from")) {
                parent = lookupDefaults(tokens, i);
                i++;
            } else if (kind == SectionKind.BACKEND) {
                warn(tokens.get(i), "unexpected argument '" + tokens.get(i).text() + "' ignored");
            }
        }
        current = new Section(kind, tokens.get(1).text(), location(keyword));
        current.inheritFrom(parent);
        skipping = kind;
    }

    private Section lookupDefaults(List<ConfigToken> tokens, int fromIndex) {
        if (tokens.size() <= fromIndex + 1) {
            throw error(tokens.get(fromIndex), "'from' expects <defaults name> as argument");
        }
        ConfigToken name = tokens.get(fromIndex + 1);
        Section parent = namedDefaults.get(name.text());
        if (parent == null) {
            throw error(name, "defaults section '" + name.text() + "' not found");
        }
        return parent;
    }

    private void closeSection() {
        if (current == null) {
            return;
        }
        Section section = current;
        current = null;
        skipping = SectionKind.NONE;
        if (section.kind == SectionKind.DEFAULTS) {
            lastDefaults = section;
            if (!section.name.isEmpty()) {
                namedDefaults.put(section.name, section);
            }
            return;
        }
        String kindWord = section.kind == SectionKind.LISTEN ? "proxy" : "backend";
        List<HttpCheckRule> rules = section.http.build(kindWord, section.name, warnings);
        CheckOption checkOption = section.tcp.build(kindWord, section.name, warnings);
        proxies.add(new ProxyConfig(section.name, section.kind == SectionKind.LISTEN, section.location,
                section.servers, rules, section.timeoutCheckNanos, section.timeoutConnectNanos,
                section.logHealthChecks, checkOption, section.http.disablesOn404(), section.http.sendsState()));
    }

    private void parseGlobalKeyword(List<ConfigToken> tokens) {
        ConfigToken keyword = tokens.get(0);
        if (keyword.is("spread-checks")) {
            spreadChecks = ConfigValues.parseInt(file, line, "spread-checks", argument(tokens, 1), 0, 50);
        } else if (keyword.is("max-spread-checks")) {
            maxSpreadChecksNanos = ConfigValues.parseTimeNanos(file, line, "max-spread-checks", argument(tokens, 1));
        } else if (keyword.is("node")) {
            node = argument(tokens, 1).text();
        } else if (keyword.is("ssl-server-verify")) {
            ConfigToken value = argument(tokens, 1);
            sslServerVerifyRequired = switch (value.text()) {
                case "required" -> true;
                case "none" -> false;
                default -> throw ConfigValues.invalid(file, line, "ssl-server-verify", value, "none or required");
            };
        } else if (keyword.is("ca-base")) {
            caBase = requireNonEmpty(argument(tokens, 1), "ca-base");
        } else if (keyword.is("crt-base")) {
            crtBase = requireNonEmpty(argument(tokens, 1), "crt-base");
        }
    }

    /**
     * Refuses, as HAProxy 2.6 does after parsing, a server whose SSL context verifies certificates without a
     * {@code ca-file} (spec §6.2). The context exists for {@code ssl}, {@code check-ssl}, and for every server
     * of a backend with {@code tcp-check connect ssl}.
     */
    private void requireCaFiles(ProxyConfig proxy, GlobalSettings global) {
        boolean connectSsl = proxy.checkOption() instanceof CheckOption.TcpCheck tcpCheck
                && tcpCheck.rules().stream().anyMatch(r -> r instanceof TcpCheckRule.Connect c && c.options().ssl())
                || proxy.httpCheckRules().stream().anyMatch(r -> r instanceof HttpConnect c && c.options().ssl());
        for (ServerConfig server : proxy.servers()) {
            TlsSettings tls = server.check().tls();
            if (!(tls.hasContext() || connectSsl) || !tls.verifies(global) || tls.caFile() != null) {
                continue;
            }
            String where = "'server " + proxy.name() + "/" + server.name() + "' : ";
            if (tls.verifyRequired() != null) {
                throw new ConfigException(server.location(), where + "verify is enabled but no CA file specified.");
            }
            throw new ConfigException(server.location(), where + "verify is enabled by default but no CA file"
                    + " specified. If you're running on a LAN where you're certain to trust the server's certificate,"
                    + " please set an explicit 'verify none' statement on the 'server' line, or use"
                    + " 'ssl-server-verify none' in the global section to disable server-side verifications by"
                    + " default.");
        }
    }

    private void parseProxyKeyword(List<ConfigToken> tokens) {
        ConfigToken keyword = tokens.get(0);
        switch (keyword.text()) {
            case "server" -> parseServer(tokens);
            case "default-server" -> parseServerKeywords(tokens, 1, current.defaultServer, "default-server");
            case "option" -> parseOption(tokens, false);
            case "no" -> parseNo(tokens);
            case "timeout" -> parseTimeout(tokens);
            case "http-check" -> parseHttpCheck(tokens);
            case "tcp-check" -> current.tcp.parseRule(tokens, context);
            default -> {
                if (!OUT_OF_SCOPE_PROXY_KEYWORDS.contains(keyword.text())) {
                    warn(keyword, "keyword '" + keyword.text() + "' is not supported, ignored");
                }
            }
        }
    }

    private void parseNo(List<ConfigToken> tokens) {
        if (tokens.size() < 2 || !tokens.get(1).is("option")) {
            warn(tokens.get(0), "keyword 'no' is only supported before 'option', line ignored");
            return;
        }
        parseOption(tokens.subList(1, tokens.size()), true);
    }

    private void parseOption(List<ConfigToken> tokens, boolean negated) {
        ConfigToken name = argument(tokens, 1);
        switch (name.text()) {
            case "httpchk" -> {
                if (negated) {
                    throw error(name, "negation is not supported for option 'httpchk'");
                }
                current.http.optionHttpchk(parseOptionHttpchk(tokens));
                current.tcp.optionHttpchk();
            }
            case "log-health-checks" -> current.logHealthChecks = !negated;
            default -> {
                if (TcpCheckSettings.isCheckOption(name.text())) {
                    if (negated) {
                        throw error(name, "negation is not supported for option '" + name.text() + "'");
                    }
                    current.http.otherCheckOption();
                    current.tcp.parseOption(tokens, context);
                    return;
                }
                if (UNSUPPORTED_CHECK_OPTIONS.contains(name.text())) {
                    if (!negated) {
                        current.http.otherCheckOption();
                    }
                    warn(name, "option '" + name.text() + "' is not supported yet, servers get a plain connect check");
                }
            }
        }
    }

    private HttpCheckSettings.SendParts parseOptionHttpchk(List<ConfigToken> tokens) {
        SourceLocation at = location(tokens.get(0));
        if (tokens.size() > 5) {
            throw error(tokens.get(5), "'option httpchk' cannot handle unexpected argument '" + tokens.get(5).text() + "'");
        }
        for (int i = 2; i < tokens.size(); i++) {
            requireNonEmpty(tokens.get(i), "option httpchk");
        }
        return switch (tokens.size()) {
            case 2 -> new HttpCheckSettings.SendParts(null, null, null, List.of(), null, at);
            case 3 -> new HttpCheckSettings.SendParts(null, tokens.get(2).text(), null, List.of(), null, at);
            case 4 -> new HttpCheckSettings.SendParts(tokens.get(2).text(), tokens.get(3).text(), null, List.of(),
                    null, at);
            default -> parseVersionWithHiddenRequest(tokens.get(2).text(), tokens.get(3).text(), tokens.get(4), at);
        };
    }

    private HttpCheckSettings.SendParts parseVersionWithHiddenRequest(String method, String uri, ConfigToken token,
                                                                      SourceLocation at) {
        String text = token.text();
        int crlf = text.indexOf("\r\n");
        if (crlf < 0) {
            return new HttpCheckSettings.SendParts(method, uri, text, List.of(), null, at);
        }
        warnings.add(new ConfigWarning(location(token), "'option httpchk': headers or a body hidden after the"
                + " version are deprecated (HAProxy warns too); use 'http-check send' instead"));
        String version = text.substring(0, crlf);
        if (version.isEmpty()) {
            throw error(token, "'option httpchk': empty version before the hidden headers");
        }
        String rest = text.substring(crlf + 2);
        String body = null;
        String headerBlock = rest;
        int blank = rest.startsWith("\r\n") ? 0 : rest.indexOf("\r\n\r\n");
        if (blank >= 0) {
            int bodyStart = blank == 0 ? 2 : blank + 4;
            headerBlock = rest.substring(0, blank);
            body = rest.substring(bodyStart);
        }
        List<HttpHeader> headers = new ArrayList<>();
        for (String headerLine : headerBlock.split("\r\n", -1)) {
            if (headerLine.isEmpty()) {
                continue;
            }
            int colon = headerLine.indexOf(':');
            String name = colon < 0 ? "" : headerLine.substring(0, colon).strip();
            if (name.isEmpty() || name.contains(" ") || name.contains("\t")) {
                throw error(token, "'option httpchk': cannot parse hidden header '" + printable(headerLine)
                        + "' (expected: Name: value)");
            }
            addHeader(headers, name, headerLine.substring(colon + 1).strip(), token, "option httpchk");
        }
        return new HttpCheckSettings.SendParts(method, uri, version, headers, body, at);
    }

    private void parseTimeout(List<ConfigToken> tokens) {
        ConfigToken which = argument(tokens, 1);
        if (which.is("check")) {
            current.timeoutCheckNanos = ConfigValues.parseTimeNanos(file, line, "timeout check", argument(tokens, 2));
        } else if (which.is("connect")) {
            current.timeoutConnectNanos = ConfigValues.parseTimeNanos(file, line, "timeout connect",
                    argument(tokens, 2));
        }
    }

    private void parseHttpCheck(List<ConfigToken> tokens) {
        new HttpCheckParser(context, tokens, current.http).parse();
    }

    private void parseServer(List<ConfigToken> tokens) {
        ConfigToken keyword = tokens.get(0);
        if (current.kind == SectionKind.DEFAULTS) {
            throw error(keyword, "'server' is not allowed in 'defaults' sections");
        }
        if (tokens.size() < 3) {
            throw error(keyword, "'server' expects <name> and <addr>[:<port>] as arguments");
        }
        ConfigToken name = tokens.get(1);
        Integer previous = current.serverLines.putIfAbsent(name.text(), line);
        if (previous != null) {
            throw error(name, "server '" + name.text() + "' is already defined at line " + previous);
        }
        ConfigToken addressToken = tokens.get(2);
        String[] hostAndPort = splitAddress(addressToken);
        int port = hostAndPort[1].isEmpty() ? 0
                : ConfigValues.parseInt(file, line, "port", new ConfigToken(hostAndPort[1], addressToken.column()), 0,
                65535);
        ServerSettings settings = current.defaultServer.copy();
        parseServerKeywords(tokens, 3, settings, "server");
        if (settings.check && port == 0 && settings.checkPort == 0) {
            throw error(keyword, "server '" + name.text() + "' has neither service port nor check port");
        }
        if (settings.agentCheck && settings.agentPort == 0 && settings.checkPort == 0) {
            throw error(keyword, "'server " + current.name + "/" + name.text() + "' : server " + name.text()
                    + " does not have agent port. Agent check has been disabled.");
        }
        requireUsableTls(keyword, name, settings);
        current.servers.add(settings.toServer(name.text(), hostAndPort[0], port, location(keyword)));
    }

    /** HAProxy's checks of a server's SSL context that concern checks: versions and cipher lists. */
    private void requireUsableTls(ConfigToken keyword, ConfigToken name, ServerSettings settings) {
        if (settings.minVersion != null && settings.maxVersion != null
                && settings.minVersion.compareTo(settings.maxVersion) > 0) {
            throw error(keyword, "all SSL/TLS versions are disabled for server '" + name.text() + "' (ssl-min-ver "
                    + settings.minVersion.keyword() + " is above ssl-max-ver " + settings.maxVersion.keyword() + ")");
        }
        if (!settings.ssl && !Boolean.TRUE.equals(settings.checkSsl)) {
            return;
        }
        if (settings.cipherError != null) {
            throw settings.cipherError;
        }
        if (settings.cipherSuiteError != null) {
            throw settings.cipherSuiteError;
        }
    }

    private String[] splitAddress(ConfigToken token) {
        String text = token.text();
        for (String prefix : List.of("ipv4@", "ipv6@")) {
            if (text.startsWith(prefix)) {
                text = text.substring(prefix.length());
            }
        }
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || (close + 1 < text.length() && text.charAt(close + 1) != ':')) {
                throw ConfigValues.invalid(file, line, "address", token, "[ipv6]:port");
            }
            String host = text.substring(1, close);
            return new String[] {host, close + 1 < text.length() ? text.substring(close + 2) : ""};
        }
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? text : text.substring(0, colon);
        if (host.isEmpty()) {
            throw ConfigValues.invalid(file, line, "address", token, "an address such as 10.0.0.1:80");
        }
        return new String[] {host, colon < 0 ? "" : text.substring(colon + 1)};
    }

    private void parseServerKeywords(List<ConfigToken> tokens, int start, ServerSettings settings, String lineKind) {
        for (int i = start; i < tokens.size(); i++) {
            ConfigToken keyword = tokens.get(i);
            String word = keyword.text();
            if (ServerKeywords.SUPPORTED.containsKey(word)) {
                i += applyServerKeyword(tokens, i, settings);
            } else if (ServerKeywords.IGNORED.containsKey(word)) {
                warn(keyword, "server keyword '" + word + "' is not supported yet, ignored");
                int arity = ServerKeywords.IGNORED.get(word);
                for (int a = 1; a <= arity; a++) {
                    argument(tokens, i + a);
                }
                i += arity;
                if (word.equals("source")) {
                    while (i + 1 < tokens.size() && (tokens.get(i + 1).is("usesrc") || tokens.get(i + 1).is("interface"))) {
                        argument(tokens, i + 2);
                        i += 2;
                    }
                }
            } else {
                String suggestion = ServerKeywords.suggest(word);
                throw error(keyword, "unknown keyword '" + word + "' in " + lineKind + " line"
                        + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)"));
            }
        }
    }

    private int applyServerKeyword(List<ConfigToken> tokens, int index, ServerSettings settings) {
        String word = tokens.get(index).text();
        switch (word) {
            case "check" -> settings.check = true;
            case "no-check" -> settings.check = false;
            case "backup" -> settings.backup = true;
            case "no-backup" -> settings.backup = false;
            case "disabled" -> settings.disabled = true;
            case "enabled" -> settings.disabled = false;
            case "send-proxy" -> settings.sendProxyV1 = true;
            case "no-send-proxy" -> settings.sendProxyV1 = false;
            case "send-proxy-v2" -> settings.sendProxyV2 = true;
            case "no-send-proxy-v2" -> settings.sendProxyV2 = false;
            case "check-send-proxy" -> settings.checkSendProxy = true;
            case "no-check-send-proxy" -> settings.checkSendProxy = false;
            case "agent-check" -> settings.agentCheck = true;
            case "no-agent-check" -> settings.agentCheck = false;
            case "ssl" -> settings.ssl = true;
            case "no-ssl" -> settings.ssl = false;
            case "check-ssl" -> settings.checkSsl = true;
            case "no-check-ssl" -> settings.checkSsl = false;
            case "no-verifyhost" -> settings.verifyHost = null;
            default -> {
                ConfigToken value = argument(tokens, index + 1);
                switch (word) {
                    case "inter" -> settings.interNanos = ConfigValues.parsePositiveTimeNanos(file, line, word, value);
                    case "fastinter" -> settings.fastInterNanos =
                            ConfigValues.parsePositiveTimeNanos(file, line, word, value);
                    case "downinter" -> settings.downInterNanos =
                            ConfigValues.parsePositiveTimeNanos(file, line, word, value);
                    case "slowstart" -> settings.slowStartNanos = ConfigValues.parseTimeNanos(file, line, word, value);
                    case "rise" -> settings.rise = ConfigValues.parseInt(file, line, word, value, 1, Integer.MAX_VALUE);
                    case "fall" -> settings.fall = ConfigValues.parseInt(file, line, word, value, 1, Integer.MAX_VALUE);
                    case "port" -> settings.checkPort = ConfigValues.parseInt(file, line, word, value, 0, 65535);
                    case "weight" -> settings.weight = ConfigValues.parseInt(file, line, word, value, 0, 256);
                    case "maxconn" -> settings.maxConn =
                            ConfigValues.parseInt(file, line, word, value, 0, Integer.MAX_VALUE);
                    case "addr" -> settings.checkAddress = requireNonEmpty(value, "addr");
                    case "agent-port" -> settings.agentPort = ConfigValues.parseInt(file, line, word, value, 1, 65535);
                    case "agent-inter" -> settings.agentInterNanos =
                            ConfigValues.parsePositiveTimeNanos(file, line, word, value);
                    case "agent-send" -> settings.agentSend = value.text();
                    case "agent-addr" -> settings.agentAddress = requireNonEmpty(value, "agent-addr");
                    default -> applyTlsKeyword(word, value, settings);
                }
                return 1;
            }
        }
        return 0;
    }

    /** The SSL/TLS keywords of a server line that take one argument (spec §6.2). */
    private void applyTlsKeyword(String word, ConfigToken value, ServerSettings settings) {
        switch (word) {
            case "verify" -> settings.verifyRequired = switch (value.text()) {
                case "required" -> true;
                case "none" -> false;
                default -> throw ConfigValues.invalid(file, line, word, value, "none or required");
            };
            case "verifyhost" -> settings.verifyHost = requireNonEmpty(value, word);
            case "ca-file" -> settings.caFile = withBase(caBase, requireNonEmpty(value, word));
            case "crt" -> settings.crt = withBase(crtBase, requireNonEmpty(value, word));
            case "check-sni" -> settings.checkSni = requireNonEmpty(value, word);
            case "sni" -> settings.sni = requireNonEmpty(value, word);
            case "alpn" -> settings.alpn = alpnList(word, value);
            case "check-alpn" -> settings.checkAlpn = alpnList(word, value);
            case "ssl-min-ver" -> settings.minVersion = tlsVersion(word, value);
            case "ssl-max-ver" -> settings.maxVersion = tlsVersion(word, value);
            case "ciphers" -> {
                CipherNames.Mapping mapping = CipherNames.ciphers(value.text());
                warnIgnoredCiphers(word, value, mapping);
                settings.ciphers = mapping.suites();
                settings.cipherError = mapping.valid() ? null : error(value, "unable to set SSL cipher list to '"
                        + value.text() + "' (expected: OpenSSL cipher names such as ECDHE-RSA-AES128-GCM-SHA256)");
            }
            case "ciphersuites" -> {
                CipherNames.Mapping mapping = CipherNames.cipherSuites(value.text());
                warnIgnoredCiphers(word, value, mapping);
                settings.cipherSuites = mapping.suites();
                settings.cipherSuiteError = mapping.valid() ? null : error(value, "unable to set TLS 1.3 cipher"
                        + " suites to '" + value.text() + "' (expected: names such as TLS_AES_128_GCM_SHA256)");
            }
            default -> throw new IllegalStateException("unhandled server keyword: " + word);
        }
    }

    private void warnIgnoredCiphers(String word, ConfigToken value, CipherNames.Mapping mapping) {
        if (mapping.ignored().isEmpty() || !mapping.valid()) {
            return;
        }
        warn(value, "'" + word + "': " + String.join(", ", mapping.ignored()) + " not supported (OpenSSL selection"
                + " rules and unknown names have no Java counterpart), ignored"
                + (mapping.suites().isEmpty() ? "; the TLS provider's default suites are used" : ""));
    }

    private List<String> alpnList(String word, ConfigToken value) {
        List<String> protocols = List.of(value.text().split(",", -1));
        for (String protocol : protocols) {
            if (protocol.isEmpty() || protocol.length() > 255) {
                throw ConfigValues.invalid(file, line, word, value, "a comma-delimited list of protocol names"
                        + " such as h2,http/1.1");
            }
        }
        return protocols;
    }

    private TlsVersion tlsVersion(String word, ConfigToken value) {
        TlsVersion version = TlsVersion.ofKeyword(value.text());
        if (version == null) {
            throw ConfigValues.invalid(file, line, word, value, "SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3");
        }
        return version;
    }

    /** HAProxy prefixes {@code ca-base}/{@code crt-base} to a path that does not start with '/'. */
    private static String withBase(String base, String path) {
        return base == null || path.startsWith("/") ? path : base + "/" + path;
    }

    private void addHeader(List<HttpHeader> headers, String name, String value, ConfigToken at, String directive) {
        HttpCheckParser.addHeader(headers, name, value, location(at), directive);
    }

    private ConfigToken argument(List<ConfigToken> tokens, int index) {
        if (index < tokens.size()) {
            return tokens.get(index);
        }
        ConfigToken last = tokens.get(tokens.size() - 1);
        throw error(last, "'" + last.text() + "' expects an argument");
    }

    private String requireNonEmpty(ConfigToken token, String what) {
        return context.requireNonEmpty(token, what);
    }

    private void warn(ConfigToken token, String message) {
        warnings.add(new ConfigWarning(location(token), message));
    }

    private ConfigException error(ConfigToken token, String detail) {
        return new ConfigException(location(token), detail);
    }

    private SourceLocation location(ConfigToken token) {
        return new SourceLocation(file, line, token.column());
    }

    private static String printable(String text) {
        return text.replace("\r", "\\r").replace("\n", "\\n");
    }

    /** Gives the line parsers ({@link TcpCheckSettings}, {@link HttpCheckParser}) the current line's place. */
    private final class LineContext implements TcpCheckSettings.Context {

        @Override
        public String file() {
            return file;
        }

        @Override
        public int line() {
            return line;
        }

        @Override
        public SourceLocation location(ConfigToken token) {
            return HaproxyConfigParser.this.location(token);
        }

        @Override
        public ConfigToken argument(List<ConfigToken> tokens, int index) {
            return HaproxyConfigParser.this.argument(tokens, index);
        }

        @Override
        public void warn(ConfigToken token, String message) {
            HaproxyConfigParser.this.warn(token, message);
        }

        @Override
        public ConfigException error(ConfigToken token, String detail) {
            return HaproxyConfigParser.this.error(token, detail);
        }
    }

    /** What kind of section the parser is in; {@link #NONE} before the first one. */
    private enum SectionKind {
        NONE, GLOBAL, DEFAULTS, BACKEND, LISTEN, OTHER
    }

    /** The mutable state of a defaults, backend or listen section. */
    private static final class Section {

        final SectionKind kind;
        final String name;
        final SourceLocation location;
        final List<ServerConfig> servers = new ArrayList<>();
        final Map<String, Integer> serverLines = new HashMap<>();
        ServerSettings defaultServer = new ServerSettings();
        HttpCheckSettings http = new HttpCheckSettings();
        TcpCheckSettings tcp = new TcpCheckSettings();
        long timeoutCheckNanos;
        long timeoutConnectNanos;
        boolean logHealthChecks;

        /** Creates a section with HAProxy's defaults; {@code location} is null only for the implicit defaults. */
        Section(SectionKind kind, String name, SourceLocation location) {
            this.kind = kind;
            this.name = name;
            this.location = location;
        }

        /** Copies what a proxy or defaults section inherits: timeouts, HTTP check, log option, default-server. */
        void inheritFrom(Section defaults) {
            defaultServer = defaults.defaultServer.copy();
            http = defaults.http.inherit();
            tcp = defaults.tcp.inherit();
            timeoutCheckNanos = defaults.timeoutCheckNanos;
            timeoutConnectNanos = defaults.timeoutConnectNanos;
            logHealthChecks = defaults.logHealthChecks;
        }
    }
}
