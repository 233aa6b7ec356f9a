package io.haprobe.config;

import java.util.List;

/**
 * Parses {@code server} and {@code default-server} lines (CFG §5.2 "Server and default-server options"):
 * the address, the keywords haprobe acts on ({@link ServerKeywords#SUPPORTED}) into {@link ServerSettings}, the
 * others skipped with their arguments and a warning, typos refused with a suggestion.
 *
 * <p>One per line; not thread-safe.
 */
final class ServerLineParser {

    private final ParseContext in;
    private final String caBase;
    private final String crtBase;
    private final SharedValues values;

    /**
     * Creates a parser for the current line.
     *
     * @param in      the line's place, errors and warnings; never null
     * @param caBase  the global {@code ca-base}, or null
     * @param crtBase the global {@code crt-base}, or null
     * @param values  the parse's shared values, which the servers' equal parts come from; never null
     */
    ServerLineParser(ParseContext in, String caBase, String crtBase, SharedValues values) {
        this.in = in;
        this.caBase = caBase;
        this.crtBase = crtBase;
        this.values = values;
    }

    /**
     * Parses a {@code server <name> <addr>[:<port>] [keywords]} line whose name was checked.
     *
     * @param tokens   the line, {@code server} first, at least three tokens; never null
     * @param section  the section name, for messages; never null
     * @param settings the section's {@code default-server} preset, a copy this call changes; never null
     * @return the server
     * @throws ConfigException if the address, a keyword or the whole is wrong
     */
    ServerConfig parseServer(List<ConfigToken> tokens, String section, ServerSettings settings) {
        ConfigToken keyword = tokens.get(0);
        ConfigToken name = tokens.get(1);
        ConfigToken addressToken = tokens.get(2);
        String[] hostAndPort = splitAddress(addressToken);
        int port = hostAndPort[1].isEmpty() ? 0
                : ConfigValues.parseInt(in.file(), in.line(), "port", new ConfigToken(hostAndPort[1],
                addressToken.column()), 0, 65535);
        parseKeywords(tokens, 3, settings, "server");
        if (settings.check && port == 0 && settings.checkPort == 0) {
            throw in.error(keyword, "server '" + name.text() + "' has neither service port nor check port");
        }
        if (settings.agentCheck && settings.agentPort == 0 && settings.checkPort == 0) {
            throw in.error(keyword, "'server " + section + "/" + name.text() + "' : server " + name.text()
                    + " does not have agent port. Agent check has been disabled.");
        }
        requireUsableTls(keyword, name, settings);
        return settings.toServer(name.text(), hostAndPort[0], port, in.location(keyword), values);
    }

    /**
     * Parses a {@code server-template <prefix> <num | range> <fqdn>[:<port>] [params*]} line (CFG §4.2
     * "server-template") into the servers HAProxy 2.6 creates: {@code prefix1..prefixN} for a number, or
     * {@code prefixLow..prefixHigh} for a range {@code low-high}, each with the same address and keywords. The
     * number is read like {@code strtol} ({@code 2x} is 2, as 2.6.12 accepts it); each server's address is
     * resolved as a {@code server} line's is, so a template with {@code init-addr none} and an unresolvable
     * name starts in maintenance, unchecked, as 2.6 starts it in "MAINT (resolution)" ({@link InitAddr}).
     *
     * @param tokens   the line, {@code server-template} first; never null
     * @param section  the section name, for messages; never null
     * @param settings the section's {@code default-server} preset, a copy this call changes; never null
     * @return the servers in HAProxy's order; never empty
     * @throws ConfigException "'server-template' expects <prefix> <nb | range> <addr>[:<port>] as arguments",
     *                         "Wrong server-template number or range arg '0'", or what a server line gives
     */
    List<ServerConfig> parseTemplate(List<ConfigToken> tokens, String section, ServerSettings settings) {
        ConfigToken keyword = tokens.get(0);
        if (tokens.size() < 4) {
            throw in.error(keyword, "'server-template' expects <prefix> <nb | range> <addr>[:<port>] as arguments");
        }
        ConfigToken range = tokens.get(2);
        long[] bounds = templateRange(range.text());
        if (bounds == null) {
            throw in.error(range, "Wrong server-template number or range arg '" + range.text() + "'");
        }
        String prefix = tokens.get(1).text();
        List<ConfigToken> first = new java.util.ArrayList<>(tokens);
        first.set(1, new ConfigToken(prefix + bounds[0], tokens.get(1).column()));
        first.remove(2);
        ServerConfig model = parseServer(first, section, settings);
        List<ServerConfig> servers = new java.util.ArrayList<>();
        servers.add(model);
        for (long i = bounds[0] + 1; i <= bounds[1]; i++) {
            servers.add(ServerConfig.builder(prefix + i, model.address(), model.port(), model.location())
                    .timing(model.timing()).check(model.check()).agent(model.agent()).traffic(model.traffic())
                    .initAddr(model.initAddr()).source(model.source()).build());
        }
        return servers;
    }

    /** {@code N} as {@code 1..N}, or {@code low-high}; null unless {@code 1 <= low <= high}. */
    private static long[] templateRange(String text) {
        int end = 0;
        while (end < text.length() && HaproxyTime.isDigit(text.charAt(end))) {
            end++;
        }
        long low = HaproxyTime.parseSaturated(text.substring(0, end));
        long high = low;
        if (end < text.length() && text.charAt(end) == '-') {
            int start = end + 1;
            int highEnd = start;
            while (highEnd < text.length() && HaproxyTime.isDigit(text.charAt(highEnd))) {
                highEnd++;
            }
            high = HaproxyTime.parseSaturated(text.substring(start, highEnd));
        } else {
            low = 1;
        }
        // a template of more than 2^20 servers is no configuration anyone checks; refuse before allocating
        if (end == 0 || low < 1 || high < low || high - low >= 1 << 20) {
            return null;
        }
        return new long[] {low, high};
    }

    /**
     * Applies the keywords of a {@code server} or {@code default-server} line from {@code start} on.
     *
     * @param tokens   the line; never null
     * @param start    the first keyword's position
     * @param settings the settings to change; never null
     * @param lineKind {@code server} or {@code default-server}, for messages; never null
     * @throws ConfigException for an unknown keyword or a bad value
     */
    void parseKeywords(List<ConfigToken> tokens, int start, ServerSettings settings, String lineKind) {
        for (int i = start; i < tokens.size(); i++) {
            ConfigToken keyword = tokens.get(i);
            String word = keyword.text();
            if (word.equals("source")) {
                SourceClause clause = source(tokens, i);
                settings.source = clause.address();
                i += clause.consumed();
            } else if (ServerKeywords.SUPPORTED.containsKey(word)) {
                i += applyServerKeyword(tokens, i, settings);
            } else if (ServerKeywords.IGNORED.containsKey(word)) {
                int arity = ServerKeywords.IGNORED.get(word);
                String loud = IgnoredCheckKeywords.server(word, arity > 0 && i + 1 < tokens.size()
                        ? tokens.get(i + 1).text() : null);
                in.warn(keyword, loud != null ? loud : "server keyword '" + word + "' is not supported yet, ignored");
                for (int a = 1; a <= arity; a++) {
                    in.argument(tokens, i + a);
                }
                i += arity;
            } else {
                String suggestion = ServerKeywords.suggest(word);
                throw in.error(keyword, "unknown keyword '" + word + "' in " + lineKind + " line"
                        + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)"));
            }
        }
    }

    /**
     * Validates {@code init-addr} (CFG §5.2) as HAProxy 2.6.12 does: a comma-delimited list of {@code last},
     * {@code libc}, {@code none} and IP addresses, empty items skipped.
     *
     * @throws ConfigException "'init-addr' : unknown init-addr method 'foo', supported methods are 'libc',
     *                         'last', 'none'" (2.6.12's words)
     */
    private ConfigToken initAddr(ConfigToken value) {
        for (String method : value.text().split(",", -1)) {
            if (method.isEmpty() || method.equals("last") || method.equals("libc") || method.equals("none")
                    || Addresses.ipLiteral(method, "") != null) {
                continue;
            }
            throw in.error(value, "'init-addr' : unknown init-addr method '" + method + "', supported methods are"
                    + " 'libc', 'last', 'none'");
        }
        return value;
    }

    /** HAProxy's checks of a server's SSL context that concern checks: versions and cipher lists. */
    private void requireUsableTls(ConfigToken keyword, ConfigToken name, ServerSettings settings) {
        if (settings.minVersion != null && settings.maxVersion != null
                && settings.minVersion.compareTo(settings.maxVersion) > 0) {
            throw in.error(keyword, "all SSL/TLS versions are disabled for server '" + name.text() + "' (ssl-min-ver "
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

    /** The host and port text of a server address ({@link Addresses#split}); a host name is kept as written. */
    private String[] splitAddress(ConfigToken token) {
        Addresses.Parts parts = Addresses.split(token.text());
        String host = parts.host();
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() < 3) {
                throw ConfigValues.invalid(in.file(), in.line(), "address", token, "[ipv6]:port");
            }
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw ConfigValues.invalid(in.file(), in.line(), "address", token, "an address such as 10.0.0.1:80");
        }
        return new String[] {host, parts.port()};
    }

    private int applyServerKeyword(List<ConfigToken> tokens, int index, ServerSettings settings) {
        String file = in.file();
        int line = in.line();
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
            default -> {
                ConfigToken value = in.argument(tokens, index + 1);
                switch (word) {
                    case "inter" -> settings.interNanos = ConfigValues.parseTimeNanos(in, word, value, true);
                    case "fastinter" -> settings.fastInterNanos =
                            ConfigValues.parseTimeNanos(in, word, value, true);
                    case "downinter" -> settings.downInterNanos =
                            ConfigValues.parseTimeNanos(in, word, value, true);
                    case "slowstart" -> settings.slowStartNanos = ConfigValues.parseTimeNanos(in, word, value, false);
                    case "rise" -> settings.rise = ConfigValues.parsePositiveAtol(in, word, value);
                    case "fall" -> settings.fall = ConfigValues.parsePositiveAtol(in, word, value);
                    case "port" -> settings.checkPort = ConfigValues.parseInt(file, line, word, value, 0, 65535);
                    case "weight" -> settings.weight = ConfigValues.parseInt(file, line, word, value, 0, 256);
                    case "maxconn" -> settings.maxConn =
                            ConfigValues.parseInt(file, line, word, value, 0, Integer.MAX_VALUE);
                    case "addr" -> settings.checkAddress = in.requireNonEmpty(value, "addr");
                    case "agent-port" -> settings.agentPort = ConfigValues.parseInt(file, line, word, value, 1, 65535);
                    case "agent-inter" -> settings.agentInterNanos =
                            ConfigValues.parseTimeNanos(in, word, value, true);
                    case "agent-send" -> settings.agentSend = value.text();
                    case "agent-addr" -> settings.agentAddress = in.requireNonEmpty(value, "agent-addr");
                    case "init-addr" -> settings.initAddr = initAddr(value);
                    // atol() in 2.6.12: garbage reads as its leading digits, or 0; 2.6.12 accepts any size, kept
                    // within an int here (a huge limit is no limit either way)
                    case "minconn" -> settings.minConn = nonNegativeInt(ConfigValues.atol(value.text()));
                    case "maxqueue" -> settings.maxQueue = nonNegativeInt(ConfigValues.atol(value.text()));
                    case "cookie" -> settings.cookie = in.requireNonEmpty(value, word);
                    case "id" -> settings.id = serverId(value);
                    case "on-marked-down" -> {
                        if (!value.text().equals("shutdown-sessions")) {
                            throw in.error(value, "'on-marked-down' expects 'shutdown-sessions' but got '"
                                    + value.text() + "'");
                        }
                        settings.shutdownOnMarkedDown = true;
                    }
                    case "on-marked-up" -> {
                        if (!value.text().equals("shutdown-backup-sessions")) {
                            throw in.error(value, "'on-marked-up' expects 'shutdown-backup-sessions' but got '"
                                    + value.text() + "'");
                        }
                        settings.shutdownBackupsOnMarkedUp = true;
                    }
                    default -> applyTlsKeyword(word, value, settings);
                }
                return 1;
            }
        }
        return 0;
    }

    /** {@code id}: HAProxy 2.6.12 reads it with atol() and wants it above 0 (uniqueness is the proxy's check). */
    private int serverId(ConfigToken value) {
        long id = ConfigValues.atol(value.text());
        if (id <= 0 || id > Integer.MAX_VALUE) {
            throw in.error(value, "'id' : custom id has to be > 0");
        }
        return (int) id;
    }

    /** The SSL/TLS keywords of a server line that take one argument (spec §6.2). */
    private void applyTlsKeyword(String word, ConfigToken value, ServerSettings settings) {
        String file = in.file();
        int line = in.line();
        switch (word) {
            case "verify" -> settings.verifyRequired = switch (value.text()) {
                case "required" -> true;
                case "none" -> false;
                default -> throw ConfigValues.invalid(file, line, word, value, "none or required");
            };
            case "verifyhost" -> settings.verifyHost = in.requireNonEmpty(value, word);
            case "ca-file" -> settings.caFile = withBase(caBase, in.requireNonEmpty(value, word));
            case "crt" -> settings.crt = withBase(crtBase, in.requireNonEmpty(value, word));
            case "check-sni" -> settings.checkSni = in.requireNonEmpty(value, word);
            case "sni" -> settings.sni = in.requireNonEmpty(value, word);
            case "alpn" -> settings.alpn = ConfigValues.alpn(file, line, word, value);
            case "check-alpn" -> settings.checkAlpn = ConfigValues.alpn(file, line, word, value);
            case "ssl-min-ver" -> settings.minVersion = tlsVersion(word, value);
            case "ssl-max-ver" -> settings.maxVersion = tlsVersion(word, value);
            case "ciphers" -> {
                CipherNames.Mapping mapping = CipherNames.ciphers(value.text());
                warnIgnoredCiphers(word, value, mapping);
                settings.ciphers = mapping.suites();
                settings.cipherError = mapping.valid() ? null : in.error(value, "unable to set SSL cipher list to '"
                        + value.text() + "' (expected: OpenSSL cipher names such as ECDHE-RSA-AES128-GCM-SHA256)");
            }
            case "ciphersuites" -> {
                CipherNames.Mapping mapping = CipherNames.cipherSuites(value.text());
                warnIgnoredCiphers(word, value, mapping);
                settings.cipherSuites = mapping.suites();
                settings.cipherSuiteError = mapping.valid() ? null : in.error(value, "unable to set TLS 1.3 cipher"
                        + " suites to '" + value.text() + "' (expected: names such as TLS_AES_128_GCM_SHA256)");
            }
            default -> throw new IllegalStateException("unhandled server keyword: " + word);
        }
    }

    private void warnIgnoredCiphers(String word, ConfigToken value, CipherNames.Mapping mapping) {
        if (mapping.ignored().isEmpty() || !mapping.valid()) {
            return;
        }
        in.warn(value, "'" + word + "': " + String.join(", ", mapping.ignored()) + " not supported (OpenSSL selection"
                + " rules and unknown names have no Java counterpart), ignored"
                + (mapping.suites().isEmpty() ? "; the TLS provider's default suites are used" : ""));
    }

    private TlsVersion tlsVersion(String word, ConfigToken value) {
        String file = in.file();
        int line = in.line();
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

    /**
     * Parses {@code source <addr>[:<port>] [usesrc <x>] [interface <name>]} from {@code index} (the
     * {@code source} keyword), on a server, {@code default-server} or proxy line (CFG §4.2, §5.2). The address
     * must be an IP literal ({@code ipv4@}/{@code ipv6@} prefixes allowed); {@code 0.0.0.0}, {@code ::} and
     * {@code *} mean "the kernel chooses" unless a port is given. A port range {@code low-high} (server lines
     * only in HAProxy) binds the first port of the range, with a warning. {@code usesrc} and
     * {@code interface} are consumed with a warning each: haprobe does not honour them.
     *
     * @param tokens the line; never null
     * @param index  the position of {@code source}
     * @return the address and how many tokens after the keyword were consumed
     * @throws ConfigException if the address is missing or is not an IP literal, or the port is bad
     */
    SourceClause source(List<ConfigToken> tokens, int index) {
        ConfigToken value = in.argument(tokens, index + 1);
        Addresses.Parts parts = Addresses.split(value.text());
        String literal = Addresses.ipLiteral(parts.host(), parts.prefix());
        if (literal == null) {
            throw in.error(value, "'source' : invalid source address '" + value.text()
                    + "' (expected: an IPv4 or IPv6 literal, optionally with :<port>)");
        }
        int port = 0;
        if (!parts.port().isEmpty()) {
            String portText = parts.port();
            int dash = portText.indexOf('-');
            if (dash > 0) {
                in.warn(value, "'source' : port range '" + portText + "' is not supported, checks bind port "
                        + portText.substring(0, dash));
                portText = portText.substring(0, dash);
            }
            port = ConfigValues.parseInt(in.file(), in.line(), "source port",
                    new ConfigToken(portText, value.column()), 0, 65535);
        }
        String address = literal.isEmpty() && port != 0
                ? (parts.host().contains(":") ? "::" : "0.0.0.0") : literal.isEmpty() ? null : literal;
        int consumed = 1;
        while (index + consumed + 1 < tokens.size()) {
            ConfigToken option = tokens.get(index + consumed + 1);
            if (option.is("usesrc")) {
                in.argument(tokens, index + consumed + 2);
                in.warn(option, "'source ... usesrc' (transparent proxying) is not supported, ignored: checks"
                        + " leave from " + value.text() + ", as HAProxy's checks do");
            } else if (option.is("interface")) {
                ConfigToken name = in.argument(tokens, index + consumed + 2);
                in.warn(option, "'source ... interface " + name.text() + "' is not supported, ignored: checks"
                        + " are not bound to that interface and may leave by another one");
            } else {
                break;
            }
            consumed += 2;
        }
        return new SourceClause(address == null ? SourceAddress.NONE : new SourceAddress(address, port), consumed);
    }

    /** An {@code atol()} value as a limit: negatives read as 0, values past an int as the largest int. */
    private static int nonNegativeInt(long value) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, value));
    }

    /** A parsed {@code source} clause and the number of tokens it took after the keyword. */
    record SourceClause(SourceAddress address, int consumed) {
    }
}
