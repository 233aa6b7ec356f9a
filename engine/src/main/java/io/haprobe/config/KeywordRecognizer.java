package io.haprobe.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recognizes every line of a haproxy.cfg the way HAProxy 2.6.12's parser does before haprobe models anything:
 * each first word must be a keyword of its section, each {@code option}, {@code timeout}, {@code bind} option,
 * rule action, {@code mode}, {@code balance}, {@code stats}, ACL fetch and converter must exist, a keyword that
 * HAProxy refuses alone must have its argument, a time must read as a time, a condition may only name ACLs
 * declared before it in its proxy (or predefined ones), and {@code default_backend} and {@code use_backend}
 * must name a backend of the file. Unknown words are errors with a did-you-mean, as in HAProxy.
 *
 * <p>Keywords come from {@link KeywordCatalog}. Proxy keywords outside their kind are errors in a
 * {@code defaults} section and warnings elsewhere, as 2.6.12 reports them. What a keyword means is left to the
 * modelling parser; this class only decides whether HAProxy would accept the line.
 *
 * <p>One per parse; not thread-safe.
 */
final class KeywordRecognizer {

    /** Sections whose keyword opens a new section, and the catalog kind of their lines. */
    static final Map<String, String> SECTIONS = Map.ofEntries(
            Map.entry("global", "global"), Map.entry("defaults", "proxy"), Map.entry("frontend", "proxy"),
            Map.entry("listen", "proxy"), Map.entry("backend", "proxy"), Map.entry("userlist", "userlist"),
            Map.entry("peers", "peers"), Map.entry("mailers", "mailers"), Map.entry("program", "program"),
            Map.entry("http-errors", "http-errors"), Map.entry("ring", "ring"),
            Map.entry("log-forward", "log-forward"), Map.entry("resolvers", "resolvers"),
            Map.entry("cache", "cache"), Map.entry("fcgi-app", "fcgi-app"));

    /** Keywords 2.6 still knows only to refuse, with the keyword that replaced them. */
    private static final Map<String, String> REMOVED = Map.of(
            "clitimeout", "timeout client", "contimeout", "timeout connect", "srvtimeout", "timeout server");

    /** Rule keywords whose second word is an action or a sub-keyword the catalog lists. */
    private static final Set<String> WORD_CHECKED = Set.of("http-request", "http-response",
            "http-after-response", "stats", "mode");

    /** Proxy keywords that 2.6.12 refuses outside their proxy kind; the others are ignored with a warning. */
    private static final Set<String> CAPABILITY_ERRORS = Set.of("server", "default-server", "server-template",
            "declare", "retry-on", "use-fcgi-app");

    /** Keywords whose missing arguments the modelling parsers report in their own words. */
    private static final Set<String> ARGUMENTS_CHECKED_ELSEWHERE = Set.of("setenv", "presetenv", "unsetenv",
            "server", "server-template", "http-check", "tcp-check", "hash-type", "hash-balance-factor", "nbthread",
            "maxconn", "ulimit-n");

    /** Keywords that may end in an {@code if} or {@code unless} condition. */
    private static final Set<String> CONDITIONAL = Set.of("http-request", "http-response", "http-after-response",
            "tcp-request", "tcp-response", "use_backend", "use-server", "redirect", "force-persist",
            "ignore-persist", "stick", "monitor", "use-fcgi-app", "filter");

    private static final Set<String> PREDEFINED_ACLS = Set.of("FALSE", "HTTP", "HTTP_1.0", "HTTP_1.1", "HTTP_2.0",
            "HTTP_CONTENT", "HTTP_URL_ABS", "HTTP_URL_SLASH", "HTTP_URL_STAR", "LOCALHOST", "METH_CONNECT",
            "METH_DELETE", "METH_GET", "METH_HEAD", "METH_OPTIONS", "METH_POST", "METH_PUT", "METH_TRACE",
            "RDP_COOKIE", "REQ_CONTENT", "TRUE", "WAIT_END");

    /** A {@code default_backend} or {@code use_backend} naming a backend, checked when the file ends. */
    private record BackendReference(String proxy, String keyword, String backend, SourceLocation location) {
    }

    private final ParseContext in;
    private final KeywordCatalog catalog = KeywordCatalog.haproxy26();
    private final Map<String, Set<String>> namedDefaultsAcls = new HashMap<>();
    private final Map<String, String> proxyCapabilities = new HashMap<>();
    private final List<BackendReference> references = new ArrayList<>();
    private Set<String> lastDefaultsAcls = new HashSet<>();
    private String section = "";
    private String sectionName = "";
    private boolean anonymousDefaults;
    private Set<String> acls = new HashSet<>();

    /**
     * Creates the recognizer of one parse.
     *
     * @param in the current line's place, errors and warnings; never null
     */
    KeywordRecognizer(ParseContext in) {
        this.in = in;
    }

    /**
     * Recognizes one line, after conditional blocks and variables were applied.
     *
     * @param tokens the line; never null nor empty
     * @throws ConfigException where HAProxy 2.6.12 reports an error for the line
     */
    void recognize(List<ConfigToken> tokens) {
        ConfigToken keyword = tokens.get(0);
        if (SECTIONS.containsKey(keyword.text())) {
            openSection(tokens);
            return;
        }
        if (section.isEmpty()) {
            return; // the modelling parser reports "unknown keyword ... out of section"
        }
        String kind = SECTIONS.get(section);
        KeywordCatalog.Entry entry = catalog.find(kind, keyword.text());
        if (entry == null) {
            throw unknown(keyword, "unknown keyword '" + keyword.text() + "' in '" + section + "' section",
                    catalog.suggest(kind, keyword.text()));
        }
        if (kind.equals("global") && keyword.is("nbproc")) {
            throw in.error(keyword, "nbproc is not supported any more since HAProxy 2.5");
        }
        if (REMOVED.containsKey(keyword.text())) {
            throw in.error(keyword, "the '" + keyword.text() + "' directive is not supported anymore since HAProxy"
                    + " 2.1. Use '" + REMOVED.get(keyword.text()) + "'.");
        }
        boolean noArgument = tokens.size() < 2 || tokens.get(1).text().isEmpty();
        if (entry.needsArgument() && noArgument && !ARGUMENTS_CHECKED_ELSEWHERE.contains(keyword.text())) {
            throw in.error(keyword, "'" + keyword.text() + "' expects an argument");
        }
        if (entry.takesTime()) {
            ConfigValues.parseTimeNanos(in, keyword.text(), tokens.get(1), false);
        }
        switch (kind) {
            case "proxy" -> recognizeProxyLine(tokens, entry);
            case "global" -> {
                if (keyword.is("log")) {
                    KeywordArguments.log(in, tokens, true);
                } else if (keyword.is("stats")) {
                    KeywordArguments.globalStats(in, tokens);
                }
            }
            case "resolvers" -> KeywordArguments.resolvers(in, tokens);
            default -> {
                // the other sections' keywords are known; their arguments are not modelled
            }
        }
    }

    /**
     * Checks what can only be checked once the whole file is read: backends named by {@code default_backend}
     * and {@code use_backend} exist.
     *
     * @throws ConfigException for the first missing backend, at the line naming it
     */
    void finish() {
        for (BackendReference reference : references) {
            String capabilities = proxyCapabilities.get(reference.backend());
            if (capabilities == null || !capabilities.contains("b")) {
                throw new ConfigException(reference.location(), "Proxy '" + reference.proxy()
                        + "': unable to find required " + reference.keyword() + ": '" + reference.backend() + "'.");
            }
        }
    }

    private void openSection(List<ConfigToken> tokens) {
        ConfigToken keyword = tokens.get(0);
        section = keyword.text();
        sectionName = tokens.size() > 1 ? tokens.get(1).text() : "";
        anonymousDefaults = false;
        if (!section.equals("global") && !section.equals("defaults") && tokens.size() < 2) {
            throw in.error(keyword, "'" + section + "' expects <name> as arguments.");
        }
        if (tokens.size() > 1 && !tokens.get(1).is("from") && Set.of("defaults", "frontend", "backend", "listen",
                "userlist", "peers", "resolvers", "mailers", "ring", "cache", "http-errors", "log-forward",
                "fcgi-app", "program").contains(section)) {
            requireValidName(tokens.get(1));
        }
        switch (section) {
            case "defaults" -> {
                // "defaults from" alone names a section "from", as 2.6.12 reads it
                anonymousDefaults = tokens.size() < 2 || tokens.get(1).is("from") && tokens.size() > 2;
                acls = new HashSet<>(inheritedAcls(tokens));
                lastDefaultsAcls = acls;
                if (!anonymousDefaults) {
                    namedDefaultsAcls.put(sectionName, acls);
                }
            }
            case "frontend", "backend", "listen" -> {
                if (tokens.size() < 2) {
                    throw in.error(keyword, "'" + section + "' expects <name> as argument");
                }
                String capabilities = switch (section) {
                    case "frontend" -> "f";
                    case "backend" -> "b";
                    default -> "fb";
                };
                proxyCapabilities.merge(sectionName, capabilities, String::concat);
                acls = new HashSet<>(inheritedAcls(tokens));
            }
            default -> acls = new HashSet<>();
        }
    }

    private Set<String> inheritedAcls(List<ConfigToken> tokens) {
        for (int i = 1; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).is("from")) {
                return namedDefaultsAcls.getOrDefault(tokens.get(i + 1).text(), Set.of());
            }
        }
        return section.equals("defaults") ? Set.of() : lastDefaultsAcls;
    }

    private void recognizeProxyLine(List<ConfigToken> tokens, KeywordCatalog.Entry entry) {
        ConfigToken keyword = tokens.get(0);
        char proxyKind = section.charAt(0);
        if (proxyKind == 'd') {
            if (!entry.allowedIn('d')) {
                throw in.error(keyword, "'" + keyword.text() + "' not allowed in 'defaults' section");
            }
            if (keyword.is("acl") && anonymousDefaults) {
                throw in.error(keyword, "'acl' not allowed in anonymous 'defaults' section");
            }
        } else if (proxyKind == 'f' && !entry.allowedIn('f') || proxyKind == 'b' && !entry.allowedIn('b')) {
            if (CAPABILITY_ERRORS.contains(keyword.text())) {
                throw in.error(keyword, "'" + keyword.text() + "' not allowed because " + section + " '" + sectionName
                        + "' has no " + (proxyKind == 'f' ? "backend" : "frontend") + " capability");
            }
            in.warn(keyword, "'" + keyword.text() + "' ignored because " + section + " '" + sectionName + "' has no "
                    + (proxyKind == 'f' ? "backend" : "frontend") + " capability");
        }
        switch (keyword.text()) {
            case "option" -> recognizeOption(tokens, 1);
            case "no", "default" -> {
                if (keyword.is("no") && tokens.size() > 1 && tokens.get(1).is("log")) {
                    // 2.6.12 accepts 'no log' (drops the proxy's log targets), without arguments
                    if (tokens.size() > 2) {
                        throw in.error(tokens.get(2), "log : 'no log' does not expect arguments");
                    }
                    return;
                }
                if (tokens.size() < 3 || !tokens.get(1).is("option")) {
                    throw in.error(keyword, "'" + keyword.text() + "' only supports 'option'.");
                }
                recognizeOption(tokens, 2);
            }
            case "timeout" -> recognizeTimeout(tokens);
            case "acl" -> recognizeAcl(tokens);
            case "bind" -> {
                KeywordArguments.bindAddresses(in, tokens.get(1));
                recognizeBind(tokens);
            }
            case "log" -> KeywordArguments.log(in, tokens, false);
            case "tcp-request", "tcp-response" -> recognizeTcpRule(tokens);
            case "balance" -> {
                if (tokens.size() > 1) {
                    recognizeWord(tokens.get(1), "balance", "balance only supports");
                }
            }
            case "default_backend", "use_backend" -> references.add(new BackendReference(sectionName,
                    keyword.text(), tokens.get(1).text(), in.location(tokens.get(1))));
            default -> {
                if (WORD_CHECKED.contains(keyword.text())) {
                    recognizeWord(tokens.get(1), keyword.text(), "'" + keyword.text() + "' does not support");
                }
                if (keyword.text().startsWith("http-") && !keyword.is("http-check") && !keyword.is("http-reuse")
                        && !keyword.is("http-error") && !keyword.is("http-send-name-header")) {
                    KeywordArguments.httpAction(in, tokens, section + " '" + sectionName + "'");
                }
            }
        }
        if (CONDITIONAL.contains(keyword.text())) {
            recognizeCondition(tokens);
        }
        if (keyword.is("use_backend") && tokens.get(1).text().contains("%[")) {
            references.remove(references.size() - 1); // a dynamic name is resolved per request
        }
    }

    private void recognizeOption(List<ConfigToken> tokens, int index) {
        ConfigToken name = in.argument(tokens, index);
        if (catalog.find("option", name.text()) == null) {
            throw unknown(name, "unknown option '" + name.text() + "'", catalog.suggest("option", name.text()));
        }
    }

    private void recognizeTimeout(List<ConfigToken> tokens) {
        ConfigToken name = in.argument(tokens, 1);
        if (catalog.find("timeout", name.text()) == null) {
            throw in.error(name, "'timeout' supports 'client', 'server', 'connect', 'check', 'queue',"
                    + " 'http-keep-alive', 'http-request', 'tunnel', 'tarpit', 'client-fin' and 'server-fin' (got '"
                    + name.text() + "')");
        }
        ConfigToken value = in.argument(tokens, 2);
        if (!name.is("check") && !name.is("connect")) { // the modelling parser reads these two
            ConfigValues.parseTimeNanos(in, "timeout " + name.text(), value, false);
        }
    }

    private void recognizeTcpRule(List<ConfigToken> tokens) {
        ConfigToken keyword = tokens.get(0);
        ConfigToken stage = in.argument(tokens, 1);
        boolean request = keyword.is("tcp-request");
        if (stage.is("inspect-delay")) {
            ConfigValues.parseTimeNanos(in, keyword.text() + " inspect-delay", in.argument(tokens, 2), false);
            return;
        }
        Set<String> stages = request ? Set.of("connection", "session", "content") : Set.of("content");
        if (!stages.contains(stage.text())) {
            throw in.error(stage, "'" + keyword.text() + "' expects 'inspect-delay', "
                    + (request ? "'connection', or 'content'" : "'content'") + " (got '" + stage.text() + "')");
        }
        recognizeWord(in.argument(tokens, 2), keyword.text() + " " + stage.text(),
                "'" + keyword.text() + " " + stage.text() + "' does not support");
    }

    private void recognizeWord(ConfigToken word, String context, String message) {
        String kind = "word:" + context;
        if (word.text().startsWith("lua.") && !context.equals("mode") && !context.equals("balance")
                && !context.equals("stats")) {
            return; // actions registered by the Lua scripts of lua-load, known only once they run
        }
        if (catalog.find(kind, word.text()) == null) {
            throw unknown(word, message + " '" + word.text() + "'", catalog.suggest(kind, word.text()));
        }
    }

    private void recognizeBind(List<ConfigToken> tokens) {
        for (int i = 2; i < tokens.size(); i++) {
            ConfigToken option = tokens.get(i);
            KeywordCatalog.Entry entry = catalog.find("bind", option.text());
            if (entry == null) {
                throw unknown(option, "'bind " + tokens.get(1).text() + "' in section '" + section + "': unknown"
                        + " keyword '" + option.text() + "'", catalog.suggest("bind", option.text()));
            }
            if (entry.needsArgument()) {
                if (i + 1 >= tokens.size()) {
                    throw in.error(option, "'bind " + tokens.get(1).text() + "' : '" + option.text()
                            + "' expects an argument");
                }
                i++;
            }
        }
    }

    private void recognizeAcl(List<ConfigToken> tokens) {
        ConfigToken name = tokens.get(1);
        if (tokens.size() < 3) {
            throw in.error(name, "missing or empty ACL expression for ACL '" + name.text() + "'");
        }
        ConfigToken expression = tokens.get(2);
        String[] stages = splitOutsideParentheses(expression.text());
        String fetch = stages[0].replaceFirst("\\(.*", "");
        if (catalog.find("fetch", fetch) == null) {
            throw unknown(expression, "error detected while parsing ACL '" + name.text() + "' : unknown fetch"
                    + " method '" + fetch + "' in ACL expression '" + expression.text() + "'",
                    catalog.suggest("fetch", fetch));
        }
        for (int i = 1; i < stages.length; i++) {
            String converter = stages[i].replaceFirst("\\(.*", "");
            if (catalog.find("converter", converter) == null) {
                throw unknown(expression, "error detected while parsing ACL '" + name.text() + "' : unknown"
                        + " converter '" + converter + "'", catalog.suggest("converter", converter));
            }
        }
        KeywordArguments.ipPatterns(in, tokens);
        acls.add(name.text());
    }

    private void recognizeCondition(List<ConfigToken> tokens) {
        int start = -1;
        for (int i = 1; i < tokens.size(); i++) {
            if (tokens.get(i).is("if") || tokens.get(i).is("unless")) {
                start = i + 1;
                break;
            }
        }
        if (start < 0) {
            return;
        }
        int braces = 0;
        for (int i = start; i < tokens.size(); i++) {
            String word = tokens.get(i).text();
            if (word.equals("{") || word.equals("!{")) {
                braces++;
            } else if (word.equals("}")) {
                braces--;
            } else if (braces == 0 && !word.equals("||") && !word.equals("or") && !word.equals("!")) {
                String acl = word.startsWith("!") ? word.substring(1) : word;
                if (!acls.contains(acl) && !PREDEFINED_ACLS.contains(acl)) {
                    throw in.error(tokens.get(i), "error detected while parsing an '" + ruleName(tokens)
                            + "' condition : no such ACL : '" + acl + "'.");
                }
            }
        }
        if (braces > 0) {
            throw in.error(tokens.get(tokens.size() - 1), "error detected while parsing an '" + ruleName(tokens)
                    + "' condition : missing closing '}' in condition.");
        }
    }

    /** Refuses a section name with a character HAProxy does not allow in names (letters, digits, "-_.:"). */
    private void requireValidName(ConfigToken name) {
        for (int i = 0; i < name.text().length(); i++) {
            char c = name.text().charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-_.:".indexOf(c) >= 0)) {
                throw in.error(name, "character '" + c + "' is not permitted in '" + section + "' name '"
                        + name.text() + "'.");
            }
        }
    }

    /** Splits a sample expression into its fetch and converters at commas outside parentheses. */
    private static String[] splitOutsideParentheses(String expression) {
        List<String> stages = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (c == ',' && depth == 0) {
                stages.add(expression.substring(start, i));
                start = i + 1;
            }
        }
        stages.add(expression.substring(start));
        return stages.toArray(String[]::new);
    }

    /** Names a rule as HAProxy does in condition errors: {@code http-request deny}, {@code use_backend}. */
    private static String ruleName(List<ConfigToken> tokens) {
        String keyword = tokens.get(0).text();
        if (keyword.startsWith("http-") && tokens.size() > 1) {
            return keyword + " " + tokens.get(1).text();
        }
        return keyword;
    }

    private ConfigException unknown(ConfigToken token, String message, String suggestion) {
        return in.error(token, message + (suggestion == null ? "" : "; did you mean '" + suggestion + "' maybe ?"));
    }
}
