package io.haprobe.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Which keywords the corpus must use, read from where HAProxy 2.6 lists them, and which of them a set of files
 * uses. The lists: the manual's global keyword list (section 3), its proxy keyword matrix (4.1), the bind options
 * (5.1) and server options (5.2) it documents, the keywords of the other sections (3.4 to 3.10, 5.3.2, 6, 10), and
 * what {@code haproxy -dKall} says is registered (configuration keywords and ACL keywords).
 *
 * <p>A keyword counts as used when a statement starts with its words (after an optional {@code no}), a word of an
 * action written with arguments ({@code sc-inc-gpc0(0)}, {@code track-sc1}) counting as the keyword; a bind or
 * server option counts when it appears after the address of a {@code bind}, {@code stats socket}, {@code server},
 * {@code default-server} or {@code server-template} line. Section keywords must be used in their section.
 * Stateless and thread-safe.
 */
final class KeywordCoverage {

    /** Where Debian's haproxy-doc... and haproxy packages put the manual. */
    static final Path MANUAL = Path.of(System.getProperty("corpus.manual",
            "/usr/share/doc/haproxy/configuration.txt.gz"));

    /** The keywords of the sections that are not proxies, by section (manual 3.4 to 3.10, 5.3.2, 6.2.1, 10.1.1). */
    static final Map<String, List<String>> SECTION_KEYWORDS = sectionKeywords();

    private static final Pattern HEADING = Pattern.compile("^([a-z][a-z0-9.-]*)( [<\\[{].*)?$");
    private static final Pattern GLOBAL_ITEM = Pattern.compile("^   - (\\S+)");
    private static final Set<String> OPTION_LINES = Set.of("bind", "default-bind", "server", "default-server",
            "server-template", "peer");

    private KeywordCoverage() {
    }

    /**
     * Reads the manual, gzipped or not.
     *
     * @param file the manual
     * @return its lines, or empty if it cannot be read
     */
    static Optional<List<String>> manual(Path file) {
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file);
             InputStream text = file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in) {
            return Optional.of(new String(text.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The keywords of the manual's list of global keywords, "(deprecated)" marks dropped. */
    static List<String> globalKeywords(List<String> manual) {
        List<String> keywords = new ArrayList<>();
        int start = indexOf(manual, 0, l -> l.contains("keywords are supported in the \"global\" section"));
        for (int i = start; i < manual.size() && !manual.get(i).startsWith("3.1."); i++) {
            Matcher item = GLOBAL_ITEM.matcher(manual.get(i));
            if (item.find()) {
                keywords.add(item.group(1));
            }
        }
        return keywords;
    }

    /** The keywords of the proxy keyword matrix (4.1), "(*)" and "(deprecated)" marks dropped. */
    static List<String> matrixKeywords(List<String> manual) {
        int start = indexOf(manual, 0, l -> l.startsWith("4.1. Proxy keywords matrix"));
        int end = indexOf(manual, start, l -> l.startsWith("4.2. "));
        List<String> keywords = new ArrayList<>();
        boolean inTable = false;
        for (String line : manual.subList(start, end)) {
            if (line.startsWith("------------------------------------+")) {
                inTable = !inTable;
                continue;
            }
            if (!inTable || line.isBlank() || line.startsWith("-- keyword") || line.startsWith(" keyword")) {
                continue;
            }
            String keyword = line.strip().split("\\s{2,}")[0].replace("(*)", "").replace("(deprecated)", "").strip();
            keywords.add(keyword);
        }
        return keywords;
    }

    /** The options the manual documents in section 5.1 (bind) or 5.2 (server). */
    static List<String> documentedOptions(List<String> manual, String section, String next) {
        int start = indexOf(manual, 0, l -> l.startsWith(section));
        int end = indexOf(manual, start, l -> l.startsWith(next));
        Set<String> options = new LinkedHashSet<>();
        for (String line : manual.subList(start + 1, end)) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                options.add(heading.group(1));
            }
        }
        return List.copyOf(options);
    }

    /**
     * What {@code haproxy -dKall} lists as registered configuration keywords, as {@code section: keyword} for the
     * global section and proxies ({@code bind <addr> X} and {@code server <name> <addr> X} as the option alone);
     * the {@code crt-list} options, which belong in crt-list files, are left out. Then the ACL keywords, as
     * {@code acl: keyword}.
     *
     * @param dump the output of {@code haproxy -dKall -q -c -f /dev/null}
     * @return the keywords
     */
    static List<String> registered(String dump) {
        List<String> keywords = new ArrayList<>();
        String part = "";
        String section = "";
        for (String line : dump.lines().toList()) {
            if (line.startsWith("# List of registered")) {
                part = line;
                continue;
            }
            if (part.contains("ACL keywords") && line.contains(" = ")) {
                keywords.add("acl: " + line.substring(0, line.indexOf(" = ")));
                continue;
            }
            if (!part.contains("configuration keywords")) {
                continue;
            }
            if (!line.startsWith("\t")) {
                section = line.strip();
                continue;
            }
            if (section.equals("crt-list")) {
                continue;
            }
            String keyword = line.strip().replaceAll(" \\+-?1$", "").replaceAll(" \\[.*]$", "").replace("*", "");
            if (keyword.startsWith("bind <addr> ") || keyword.startsWith("server <name> <addr> ")) {
                String[] words = keyword.split(" ");
                keywords.add((keyword.startsWith("bind") ? "bind" : "server") + " option: " + words[words.length - 1]);
            } else {
                keywords.add(section + ": " + keyword);
            }
        }
        return keywords;
    }

    /**
     * The statements of a set of files, each as its section and tokens.
     *
     * @param files the configuration files
     * @return the statements
     * @throws IOException if a file cannot be read
     */
    static List<Statement> statements(List<Path> files) throws IOException {
        List<Statement> statements = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            String section = "";
            for (int i = 0; i < lines.size(); i++) {
                if (!CorpusMutator.isStatement(lines, i)) {
                    continue;
                }
                List<String> tokens = CorpusMutator.tokens(lines.get(i)).stream().map(CorpusMutator.Token::text)
                        .toList();
                if (CorpusMutator.isHeader(lines, i)) {
                    section = tokens.get(0);
                }
                statements.add(new Statement(section, tokens));
            }
        }
        return statements;
    }

    /**
     * A statement: the section it is in and its tokens.
     *
     * @param section the section keyword, e.g. {@code backend}; empty before any section
     * @param tokens  its whitespace-separated words
     */
    record Statement(String section, List<String> tokens) {
    }

    /** Returns the keywords of {@code keywords} (words separated by spaces) that no statement starts with. */
    static List<String> unusedKeywords(List<String> keywords, List<Statement> statements) {
        return keywords.stream().filter(k -> statements.stream().noneMatch(s -> startsWith(s.tokens(), k))).toList();
    }

    /** Returns the options of {@code options} that no bind/server-like line uses. */
    static List<String> unusedOptions(List<String> options, List<Statement> statements) {
        return options.stream().filter(o -> statements.stream().noneMatch(s -> !s.tokens().isEmpty()
                && (OPTION_LINES.contains(s.tokens().get(0)) || s.tokens().size() > 1
                && s.tokens().get(0).equals("stats") && s.tokens().get(1).equals("socket"))
                && s.tokens().subList(1, s.tokens().size()).contains(o))).toList();
    }

    /** Returns the {@code section: keyword} pairs of {@link #SECTION_KEYWORDS} no statement of that section uses. */
    static List<String> unusedSectionKeywords(List<Statement> statements) {
        List<String> unused = new ArrayList<>();
        SECTION_KEYWORDS.forEach((section, keywords) -> {
            for (String keyword : keywords) {
                if (statements.stream().noneMatch(s -> s.section().equals(section)
                        && startsWith(s.tokens(), keyword))) {
                    unused.add(section + ": " + keyword);
                }
            }
        });
        return unused;
    }

    /**
     * Returns the registered keywords ({@link #registered}) no statement uses.
     *
     * @param registered  {@code section: keyword}, {@code bind option: X}, {@code server option: X} or
     *                    {@code acl: X}
     * @param statements the statements
     * @return the unused ones
     */
    static List<String> unusedRegistered(List<String> registered, List<Statement> statements) {
        List<String> unused = new ArrayList<>();
        for (String entry : registered) {
            String kind = entry.substring(0, entry.indexOf(": "));
            String keyword = entry.substring(entry.indexOf(": ") + 2);
            boolean used = switch (kind) {
                case "bind option", "server option" -> unusedOptions(List.of(keyword), statements).isEmpty();
                case "acl" -> statements.stream().anyMatch(s -> s.tokens().size() > 2
                        && s.tokens().get(0).equals("acl") && word(s.tokens().get(2), keyword));
                default -> unusedKeywords(List.of(keyword), statements).isEmpty();
            };
            if (!used) {
                unused.add(entry);
            }
        }
        return unused;
    }

    private static boolean startsWith(List<String> tokens, String keyword) {
        String[] words = keyword.split(" ");
        int from = !tokens.isEmpty() && tokens.get(0).equals("no") ? 1 : 0;
        if (tokens.size() - from < words.length) {
            return false;
        }
        for (int w = 0; w < words.length; w++) {
            if (!word(tokens.get(from + w), words[w])) {
                return false;
            }
        }
        return true;
    }

    /** Whether a token is the keyword, maybe written with arguments or a number ({@code track-sc0}). */
    private static boolean word(String token, String keyword) {
        return token.equals(keyword) || token.startsWith(keyword + "(")
                || token.matches(Pattern.quote(keyword) + "\\d+(\\(.*)?");
    }

    private static int indexOf(List<String> lines, int from, java.util.function.Predicate<String> test) {
        for (int i = from; i < lines.size(); i++) {
            if (test.test(lines.get(i))) {
                return i;
            }
        }
        throw new IllegalStateException("the manual has no such line after line " + from);
    }

    private static Map<String, List<String>> sectionKeywords() {
        Map<String, List<String>> keywords = new LinkedHashMap<>();
        keywords.put("userlist", List.of("group", "user"));
        keywords.put("peers", List.of("bind", "default-bind", "default-server", "disabled", "enabled", "log", "peer",
                "server", "table"));
        keywords.put("mailers", List.of("mailer", "timeout mail"));
        keywords.put("program", List.of("command", "user", "group", "option start-on-reload"));
        keywords.put("http-errors", List.of("errorfile"));
        keywords.put("ring", List.of("backing-file", "description", "format", "maxlen", "server", "size",
                "timeout connect", "timeout server"));
        keywords.put("log-forward", List.of("backlog", "bind", "dgram-bind", "log", "maxconn", "timeout client"));
        keywords.put("resolvers", List.of("accepted_payload_size", "nameserver", "parse-resolv-conf", "hold",
                "resolve_retries", "timeout resolve", "timeout retry"));
        keywords.put("cache", List.of("total-max-size", "max-object-size", "max-age", "process-vary",
                "max-secondary-entries"));
        keywords.put("fcgi-app", List.of("acl", "docroot", "index", "log-stderr", "pass-header", "path-info",
                "set-param", "option get-values", "option keep-conn", "option max-reqs", "option mpxs-conns"));
        return keywords;
    }
}
