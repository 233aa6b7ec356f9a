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
 * <p>Each line is split by {@link ConfigLineTokenizer}, then {@link ConditionalBlocks} handles {@code .if}
 * blocks and skips the lines of branches not taken. Sections: {@code global} ({@link GlobalSectionParser}:
 * {@code spread-checks}, {@code max-spread-checks}, {@code ssl-server-verify}, {@code ca-base},
 * {@code crt-base}, {@code tune.bufsize}, and {@code setenv} and friends on the parser's copy of the environment), {@code defaults} (unnamed,
 * named, {@code from}), {@code backend} and {@code listen} (with {@code from}); {@code frontend} and other
 * section kinds are skipped. A proxy without {@code from} inherits the last {@code defaults} section before
 * it; inherited are the check and connect timeouts, {@code option httpchk} with its rules, the other check
 * options with the {@code tcp-check} rules ({@link TcpCheckSettings}),
 * {@code option log-health-checks} and the {@code default-server} preset. {@code server-template} adds its
 * servers as {@link ServerLineParser#parseTemplate} names them. Keywords outside haprobe's scope
 * are accepted, at most with a {@link ConfigWarning}; supported keywords used wrongly are a
 * {@link ConfigException} whose message is {@code file:line:column: detail}.
 *
 * <p>Instances are single-use and not thread-safe; the static entry points create one per call. The
 * result is immutable. Parsing throws nothing but {@link ConfigException}, whatever the input.
 */
final class HaproxyConfigParser {

    private static final Set<String> SECTIONS_SKIPPED_SILENTLY = Set.of("frontend");
    private static final Set<String> OTHER_SECTIONS = Set.of("userlist", "peers", "resolvers", "mailers",
            "program", "http-errors", "ring", "cache", "fcgi-app", "log-forward");
    private static final Set<String> UNSUPPORTED_CHECK_OPTIONS = Set.of("spop-check", "external-check");

    /**
     * Reads a file as UTF-8 (malformed bytes replaced) and parses it with the process environment.
     *
     * @param path the file; never null
     * @return the configuration
     * @throws ConfigException if the file cannot be read (at {@code file:1:1}, with the OS reason) or is
     *                         malformed
     */
    static HaproxyConfig parse(Path path) {
        return parse(path, System.getenv());
    }

    /**
     * Reads a file as UTF-8 (malformed bytes replaced) and parses it with a starting environment.
     *
     * @param path the file; never null
     * @param env  the environment the file starts with; never null, copied
     * @return the configuration
     * @throws ConfigException if the file cannot be read or is malformed
     */
    static HaproxyConfig parse(Path path, Map<String, String> env) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(env, "env");
        String text = ConfigFiles.readUtf8(path);
        return new HaproxyConfigParser(path.toString(), env).parse(text);
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
    private final ConditionalBlocks blocks;
    private final List<ConfigWarning> warnings = new ArrayList<>();
    private final List<ProxyConfig> proxies = new ArrayList<>();
    /** The servers' equal immutable parts, one instance each for the whole file. */
    private final SharedValues sharedValues = new SharedValues();
    private final Map<String, Section> namedDefaults = new HashMap<>();
    private final Map<String, DeclaredProxy> frontendNames = new HashMap<>();
    private final List<ProxyDeclaration> declarations = new ArrayList<>();
    private String frontendName;
    private String frontendMode;
    private SourceLocation frontendLocation;
    private ProxyTrafficParser frontendTraffic;
    private final List<FrontendConfig> frontends = new ArrayList<>();
    /** The global section's {@code log} targets so far, what a later {@code log global} copies. */
    private final List<TrafficLog.Target> globalLogs = new ArrayList<>();
    private final Map<String, DeclaredProxy> backendNames = new HashMap<>();
    private Section lastDefaults = new Section(SectionKind.DEFAULTS, "", null);
    private Section current;
    private SectionKind skipping = SectionKind.NONE;
    private int line;
    private boolean used;
    private final ParseContext context = new LineContext();
    private final GlobalSectionParser global;
    private final KeywordRecognizer recognizer = new KeywordRecognizer(context);
    private final List<ConfigException> errors = new ArrayList<>();
    private boolean collectErrors;

    /**
     * Creates a parser for one text.
     *
     * @param file the file name used in messages; never null
     * @param env  the environment the file starts with, for variable expansion and {@code defined()}; never
     *             null, copied (the file's {@code setenv} and friends change the copy only)
     * @throws NullPointerException if an argument is null
     */
    HaproxyConfigParser(String file, Map<String, String> env) {
        this.file = Objects.requireNonNull(file, "file");
        Map<String, String> copy = new HashMap<>(Objects.requireNonNull(env, "env"));
        this.tokenizer = new ConfigLineTokenizer(copy);
        this.blocks = new ConditionalBlocks(copy);
        this.global = new GlobalSectionParser(context, copy);
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
        return read(text, false).orThrow();
    }

    /**
     * Reads the whole text as {@code haproxy -c} does, going on after an error to report every line HAProxy
     * 2.6.12 would refuse. May be called once per instance.
     *
     * @param text the configuration; never null
     * @return the errors (in file order), the warnings, and the configuration when there is no error
     * @throws IllegalStateException if the parser was already used
     */
    ConfigValidation validate(String text) {
        return read(text, true);
    }

    private ConfigValidation read(String text, boolean collect) {
        Objects.requireNonNull(text, "text");
        if (used) {
            throw new IllegalStateException("parser already used (expected: one parse per instance)");
        }
        used = true;
        collectErrors = collect;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            line = i + 1;
            String lineText = lines[i];
            attempt(() -> {
                List<ConfigToken> tokens = tokenizer.tokenize(file, line, lineText);
                if (!tokens.isEmpty() && !blocks.consume(tokens, context)) {
                    parseNamingUnsetVariables(tokens);
                }
            });
        }
        int lastLine = text.endsWith("\n") ? lines.length - 1 : lines.length;
        attempt(() -> blocks.finish(Math.max(1, lastLine)));
        attempt(this::closeSection);
        attempt(recognizer::finish);
        GlobalSettings settings = global.settings();
        for (ProxyConfig proxy : proxies) {
            attempt(() -> requireCaFiles(proxy, settings));
        }
        HaproxyConfig config = errors.isEmpty() ? new HaproxyConfig(file, settings, proxies, warnings,
                declarations, frontends) : null;
        return new ConfigValidation(file, errors, warnings, config);
    }

    /** Runs one step; an error ends the parse, or is collected when validating. */
    private void attempt(Runnable step) {
        try {
            step.run();
        } catch (ConfigException e) {
            if (!collectErrors) {
                throw e;
            }
            errors.add(e);
        }
    }

    /**
     * Parses a line; an error on a line that expanded unset variables names them: HAProxy 2.6 expands them to
     * nothing without a word, which leaves "'inter' expects a delay" and the like unexplained.
     */
    private void parseNamingUnsetVariables(List<ConfigToken> tokens) {
        try {
            parseLine(tokens);
        } catch (ConfigException e) {
            List<String> unset = tokenizer.unsetNames();
            if (unset.isEmpty() || e.location().line() != line) {
                throw e;
            }
            throw new ConfigException(e.location(), e.detail() + " (environment variable"
                    + (unset.size() > 1 ? "s '" + String.join("', '", unset) + "' are" : " '" + unset.get(0) + "' is")
                    + " not set)");
        }
    }

    private void parseLine(List<ConfigToken> tokens) {
        ConfigToken keyword = tokens.get(0);
        String word = keyword.text();
        recognizer.recognize(tokens);
        if (word.equals("global") || word.equals("defaults") || word.equals("backend") || word.equals("listen")
                || SECTIONS_SKIPPED_SILENTLY.contains(word) || OTHER_SECTIONS.contains(word)) {
            tokenizer.section(tokens.size() > 1 && !tokens.get(1).is("from") ? tokens.get(1).text() : word);
        }
        switch (word) {
            case "global" -> openGlobal();
            case "defaults" -> openDefaults(tokens);
            case "backend" -> openProxy(tokens, SectionKind.BACKEND);
            case "listen" -> openProxy(tokens, SectionKind.LISTEN);
            default -> {
                if (SECTIONS_SKIPPED_SILENTLY.contains(word) || OTHER_SECTIONS.contains(word)) {
                    closeSection();
                    if (word.equals("frontend")) {
                        declareProxyName(tokens, "frontend", true, false);
                        if (tokens.size() > 1) {
                            Section parent = lastDefaults;
                            if (tokens.size() > 3 && tokens.get(2).is("from")) {
                                parent = namedDefaults.getOrDefault(tokens.get(3).text(), lastDefaults);
                            }
                            frontendMode = parent.mode;
                            frontendTraffic = parent.traffic.copy();
                            frontendName = tokens.get(1).text();
                            frontendLocation = location(tokens.get(0));
                        }
                    }
                    skipping = SectionKind.OTHER;
                    return;
                }
                parseSectionKeyword(tokens);
            }
        }
    }

    private void parseSectionKeyword(List<ConfigToken> tokens) {
        switch (skipping) {
            case OTHER -> {
                if (frontendName != null && tokens.get(0).is("mode") && tokens.size() > 1) {
                    frontendMode = tokens.get(1).text();
                }
                if (frontendName != null) {
                    frontendTraffic.unmodelled(tokens, context);
                    frontendTraffic.bind(tokens);
                    frontendTraffic.frontendKeyword(tokens, context);
                }
                return;
            }
            case GLOBAL -> {
                if (tokens.get(0).is("log")) {
                    TrafficLog.Target target = ProxyTrafficParser.target(tokens);
                    if (target != null) {
                        globalLogs.add(target);
                    }
                }
                global.parse(tokens);
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
        // "defaults from" alone names a section "from", as 2.6.12 reads it
        if (tokens.size() > 1 && !(tokens.get(1).is("from") && tokens.size() > 2)) {
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
        if (kind == SectionKind.LISTEN) {
            declareProxyName(tokens, "proxy", true, true);
        } else {
            declareProxyName(tokens, "backend", false, true);
        }
        current = new Section(kind, tokens.get(1).text(), location(keyword));
        current.inheritFrom(parent);
        skipping = kind;
    }

    /**
     * Refuses a proxy name already taken, as HAProxy 2.6 does while parsing: a section that receives traffic
     * ({@code frontend}, {@code listen}) may not share its name with an earlier one that does, a {@code backend}
     * not with an earlier {@code backend} or {@code listen}. So {@code backend b} then {@code listen b} passes, and
     * the other way round fails, as in 2.6.12.
     *
     * @param type the section's word in HAProxy's message: {@code frontend}, {@code backend} or {@code proxy}
     */
    private void declareProxyName(List<ConfigToken> tokens, String type, boolean frontend, boolean backend) {
        if (tokens.size() < 2) {
            return;
        }
        ConfigToken name = tokens.get(1);
        DeclaredProxy previous = frontend ? frontendNames.get(name.text()) : backendNames.get(name.text());
        if (previous != null) {
            throw error(name, type + " '" + name.text() + "' has the same name as " + previous.type() + " '"
                    + name.text() + "' declared at " + previous.location().file() + ":" + previous.location().line());
        }
        DeclaredProxy declared = new DeclaredProxy(type, location(tokens.get(0)));
        if (frontend) {
            frontendNames.putIfAbsent(name.text(), declared);
        }
        if (backend) {
            backendNames.putIfAbsent(name.text(), declared);
        }
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
        if (frontendName != null) {
            declarations.add(new ProxyDeclaration(frontendName, "frontend", frontendMode, frontendLocation));
            frontends.add(frontendTraffic.toFrontend(frontendName, false, frontendLocation, globalLogs, context));
            frontendName = null;
        }
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
        if (section.kind == SectionKind.LISTEN) {
            frontends.add(section.traffic.toFrontend(section.name, true, section.location, globalLogs, context));
        }
        declarations.add(new ProxyDeclaration(section.name, section.kind == SectionKind.LISTEN ? "listen" : "backend",
                section.mode, section.location));
        List<HttpCheckRule> rules = section.http.build(kindWord, section.name, warnings);
        CheckOption checkOption = section.tcp.build(kindWord, section.name, warnings);
        List<ServerConfig> servers = section.servers;
        if (section.source.isSet()) {
            // tcp_connect_server: the server's own source first, the proxy's next
            servers = servers.stream().map(s -> s.source().isSet() ? s : s.toBuilder().source(section.source).build())
                    .toList();
        }
        proxies.add(new ProxyConfig(section.name, section.kind == SectionKind.LISTEN, section.location,
                servers, rules, section.timeoutCheckNanos, section.timeoutConnectNanos,
                section.logHealthChecks, checkOption, section.http.disablesOn404(), section.http.sendsState(),
                BalanceParser.finish(section.balancing, section.mode, kindWord, section.name, section.location,
                        warnings),
                section.traffic.toSettings()));
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
            if (!(tls.hasContext() || connectSsl) || !tls.verifies(global) || tls.verification().caFile() != null) {
                continue;
            }
            String where = "'server " + proxy.name() + "/" + server.name() + "' : ";
            if (tls.verification().required() != null) {
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
        current.traffic.unmodelled(tokens, context);
        current.traffic.bind(tokens);
        switch (keyword.text()) {
            case "server" -> parseServer(tokens);
            case "server-template" -> parseServerTemplate(tokens);
            case "default-server" -> serverLines().parseKeywords(tokens, 1, current.defaultServer, "default-server");
            case "option" -> parseOption(tokens, false);
            case "no" -> parseNo(tokens);
            case "timeout" -> parseTimeout(tokens);
            case "http-check" -> parseHttpCheck(tokens);
            case "tcp-check" -> current.tcp.parseRule(tokens, context);
            case "source" -> current.source = serverLines().source(tokens, 0).address();
            case "mode" -> {
                if (tokens.size() > 1) {
                    current.mode = tokens.get(1).text();
                }
            }
            case "balance" -> current.balancing = BalanceParser.balance(tokens, current.balancing, context);
            case "hash-type" -> current.balancing = BalanceParser.hashType(tokens, current.balancing, context);
            case "hash-balance-factor" -> current.balancing = BalanceParser.hashBalanceFactor(tokens,
                    current.balancing, context);
            default -> {
                if (current.traffic.keyword(tokens, context)) {
                    return;
                }
                if (keyword.is("external-check")) {
                    warn(keyword, "keyword 'external-check' is not supported, ignored");
                }
                String ignored = IgnoredCheckKeywords.proxy(tokens);
                if (ignored != null) {
                    warn(keyword, ignored);
                }
                // every other keyword was recognized (KeywordRecognizer) and does not change a check
            }
        }
    }

    private void parseNo(List<ConfigToken> tokens) {
        if (current.traffic.noLog(tokens)) {
            return;
        }
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
                if (current.traffic.option(tokens, negated)) {
                    return;
                }
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
            current.timeoutCheckNanos = ConfigValues.parseTimeNanos(context, "timeout check", argument(tokens, 2), false);
        } else if (which.is("connect")) {
            current.timeoutConnectNanos = ConfigValues.parseTimeNanos(context, "timeout connect",
                    argument(tokens, 2), false);
        } else {
            current.traffic.timeout(tokens, context);
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
        ServerConfig server = serverLines().parseServer(tokens, current.name, current.defaultServer.copy());
        requireUniqueId(tokens, server);
        current.servers.add(server);
    }

    /** 2.6.12: "'id' : custom id 1 already used at t.cfg:2 ('server s1')". */
    private void requireUniqueId(List<ConfigToken> tokens, ServerConfig server) {
        int id = server.traffic().id();
        for (ServerConfig other : id == 0 ? List.<ServerConfig>of() : current.servers) {
            if (other.traffic().id() == id) {
                ConfigToken at = tokens.stream().filter(t -> t.is("id")).reduce((a, b) -> b).orElse(tokens.get(0));
                throw error(at, "'id' : custom id " + id + " already used at " + other.location().file() + ":"
                        + other.location().line() + " ('server " + other.name() + "')");
            }
        }
    }

    private void parseServerTemplate(List<ConfigToken> tokens) {
        ConfigToken keyword = tokens.get(0);
        if (current.kind == SectionKind.DEFAULTS) {
            throw error(keyword, "'server-template' not allowed in 'defaults' section");
        }
        List<ServerConfig> servers = serverLines().parseTemplate(tokens, current.name, current.defaultServer.copy());
        for (ServerConfig server : servers) {
            Integer previous = current.serverLines.putIfAbsent(server.name(), line);
            if (previous != null) {
                throw error(tokens.get(1), "server '" + server.name() + "' is already defined at line " + previous);
            }
        }
        current.servers.addAll(servers);
    }

    private ServerLineParser serverLines() {
        return new ServerLineParser(context, global.caBase(), global.crtBase(), sharedValues);
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

    /** Gives the line parsers ({@link ParseContext}) the current line's place. */
    private final class LineContext implements ParseContext {

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

    /** A proxy section's word in HAProxy's messages and where it was declared. */
    private record DeclaredProxy(String type, SourceLocation location) {
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
        Balancing balancing = Balancing.DEFAULT;
        String mode = "tcp";
        SourceAddress source = SourceAddress.NONE;
        ProxyTrafficParser traffic = new ProxyTrafficParser();

        /** Creates a section with HAProxy's defaults; {@code location} is null only for the implicit defaults. */
        Section(SectionKind kind, String name, SourceLocation location) {
            this.kind = kind;
            this.name = name;
            this.location = location;
        }

        /**
         * Copies what a proxy or defaults section inherits: timeouts, HTTP check, log option, default-server,
         * {@code source}.
         */
        void inheritFrom(Section defaults) {
            defaultServer = defaults.defaultServer.copy();
            http = defaults.http.inherit();
            tcp = defaults.tcp.inherit();
            timeoutCheckNanos = defaults.timeoutCheckNanos;
            timeoutConnectNanos = defaults.timeoutConnectNanos;
            logHealthChecks = defaults.logHealthChecks;
            balancing = defaults.balancing;
            mode = defaults.mode;
            source = defaults.source;
            traffic = defaults.traffic.copy();
        }
    }
}
