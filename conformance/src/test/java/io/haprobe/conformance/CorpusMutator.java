package io.haprobe.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mutations of the differential corpus: small edits of a valid (or deliberately invalid) configuration, the
 * kinds of mistakes people make in haproxy.cfg. Each one picks its place with the {@link Random} it is given, so a
 * seed gives the same corpus every time. Some mutations keep a file valid on purpose (a comment at the end of a
 * line, a tab indent, a line wrapped in {@code .if 0}): they test that haprobe does not reject what HAProxy takes.
 *
 * <p>Edits replace a token's span in its line and leave the rest of the line as it was. Not thread-safe: one
 * instance per thread (it has none of its own state, but the {@link Random} it is given has).
 */
final class CorpusMutator {

    /** The section keywords of haproxy.cfg 2.6. */
    static final Set<String> SECTIONS = Set.of("global", "defaults", "frontend", "backend", "listen", "userlist",
            "peers", "mailers", "program", "http-errors", "ring", "cache", "resolvers", "log-forward", "fcgi-app");
    private static final Set<String> PROXIES = Set.of("defaults", "frontend", "backend", "listen");
    /** Keywords whose second word is a keyword too. */
    private static final Set<String> COMPOUND = Set.of("option", "timeout", "http-request", "http-response",
            "http-after-response", "tcp-request", "tcp-response", "http-check", "tcp-check", "stats", "stick",
            "capture", "email-alert", "external-check", "declare", "monitor", "no", "rate-limit", "persist",
            "compression", "filter", "hold", "log-stderr");
    private static final Pattern TOKEN = Pattern.compile("\\S+");
    private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9._-]{2,}");
    private static final Pattern ADDRESS = Pattern.compile("^(\\d+\\.\\d+\\.|[a-z0-9]*@|:|\\*:|\"?\\$\\{)");
    private static final Pattern NUMBER = Pattern.compile("\\d+(us|ms|s|m|h|d|k|K|M|G)?");
    private static final List<String[]> JUNK = List.of(new String[] {"abc", "abc"}, new String[] {"-5", "neg5"},
            new String[] {"10x", "10x"}, new String[] {"1h2m", "1h2m"}, new String[] {"+5", "plus5"},
            new String[] {"\"\"", "empty"}, new String[] {"0", "zero"}, new String[] {"99999999999", "huge"},
            new String[] {"1.5", "decimal"}, new String[] {"0x10", "hex"});
    private static final Pattern REFERENCE = Pattern.compile(
            "^\\s*(default_backend|use_backend|use-server|errorfiles|use-fcgi-app|email-alert mailers)\\s+(\\S+)");

    /**
     * A mutated file.
     *
     * @param lines the new lines; never null
     * @param line  the 1-based line of the new file where the edit is
     * @param label the mutation's name for the file name, e.g. {@code junk-abc}; never null
     */
    record Mutant(List<String> lines, int line, String label) {
    }

    /** The kinds of mutation, in the order a source goes through them. */
    enum Kind {
        /** Two adjacent letters of a keyword swapped. */
        MISSPELL_SWAP("misspell-swap"),
        /** A number or a time replaced with junk. */
        JUNK_VALUE("junk"),
        /** The last argument of a line dropped. */
        DROP_ARG("drop-arg"),
        /** A line written twice (a duplicate server, acl, bind, keyword...). */
        DUP_LINE("dup-line"),
        /** A line deleted. */
        DELETE_LINE("delete-line"),
        /** A letter of a keyword dropped. */
        MISSPELL_DROP("misspell-drop"),
        /** A line moved to the end of another section. */
        MOVE_LINE("move-line"),
        /** Two adjacent tokens of a line swapped. */
        SWAP_TOKENS("swap-tokens"),
        /** A valid edit: a comment at the end of a line. */
        TRAILING_COMMENT("trailing-comment"),
        /** A letter of a keyword doubled. */
        MISSPELL_DOUBLE("misspell-double"),
        /** A quote opened and never closed, or a closing quote dropped. */
        BREAK_QUOTE("break-quote"),
        /** An {@code acl} that a later line names, deleted. */
        DELETE_ACL("delete-acl"),
        /** A proxy section deleted with its lines (a referenced backend, a frontend, the defaults). */
        DELETE_SECTION("delete-section"),
        /** A reference (default_backend, use_backend, use-server, errorfiles...) to a name that does not exist. */
        DANGLING_REF("dangling-ref"),
        /** A {@code .if} that is never closed. */
        UNCLOSED_IF("unclosed-if"),
        /** A valid edit: a line wrapped in {@code .if 0} / {@code .endif}. */
        IF_FALSE("if-false"),
        /** A {@code .endif} or {@code .else} without its {@code .if}. */
        STRAY_ENDIF("stray-directive"),
        /** A junk word appended to a line. */
        EXTRA_ARG("extra-arg"),
        /** A keyword in upper case. */
        UPPERCASE("uppercase"),
        /** Two adjacent statement lines of a section swapped. */
        SWAP_LINES("swap-lines"),
        /** A whole proxy section written twice under the same name. */
        DUP_SECTION("dup-section"),
        /** A section header deleted: its lines join the section before. */
        DELETE_HEADER("delete-header"),
        /** A valid edit: a line indented with a tab. */
        TAB_INDENT("tab-indent"),
        /** An argument replaced with an unset environment variable. */
        UNSET_ENV("unset-env"),
        /** A line made longer than HAProxy's line buffer. */
        LONG_LINE("long-line"),
        /** A proxy name with a character HAProxy does not allow in names. */
        BAD_NAME("bad-name");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** Returns the mutation's name in file names. */
        String label() {
            return label;
        }
    }

    /**
     * Applies one mutation.
     *
     * @param kind   the mutation; never null
     * @param lines  the file's lines; never null, not changed
     * @param random where places and values come from; never null
     * @return the mutant, or empty if the file has no place for this mutation
     */
    Optional<Mutant> apply(Kind kind, List<String> lines, Random random) {
        return switch (kind) {
            case MISSPELL_SWAP, MISSPELL_DROP, MISSPELL_DOUBLE -> misspell(kind, lines, random);
            case JUNK_VALUE -> junkValue(lines, random);
            case DROP_ARG -> dropArg(lines, random);
            case DUP_LINE -> pick(lines, random, i -> isStatement(lines, i) && !isHeader(lines, i)
                    && !isDirective(lines, i)).map(i -> insert(lines, i + 1, lines.get(i), i + 2, kind.label()));
            case DELETE_LINE -> pick(lines, random, i -> isStatement(lines, i) && !isHeader(lines, i))
                    .map(i -> remove(lines, i, i + 1, kind.label()));
            case MOVE_LINE -> moveLine(lines, random);
            case SWAP_TOKENS -> swapTokens(lines, random);
            case TRAILING_COMMENT -> pick(lines, random, i -> isStatement(lines, i) && !isDirective(lines, i)
                    && !lines.get(i).contains("#"))
                    .map(i -> replace(lines, i, lines.get(i) + "   # corpus: trailing comment", kind.label()));
            case BREAK_QUOTE -> breakQuote(lines, random);
            case DELETE_ACL -> deleteAcl(lines, random);
            case DELETE_SECTION -> deleteSection(lines, random);
            case DANGLING_REF -> danglingRef(lines, random);
            case UNCLOSED_IF -> pick(lines, random, i -> isStatement(lines, i) && !isDirective(lines, i))
                    .map(i -> insert(lines, i, ".if defined(PATH)", i + 1, kind.label()));
            case IF_FALSE -> ifFalse(lines, random);
            case STRAY_ENDIF -> pick(lines, random, i -> isStatement(lines, i) && !isDirective(lines, i))
                    .map(i -> insert(lines, i, random.nextBoolean() ? ".endif" : ".else", i + 1,
                            kind.label()));
            case EXTRA_ARG -> pick(lines, random, i -> isStatement(lines, i) && !isDirective(lines, i)
                    && !lines.get(i).contains("#"))
                    .map(i -> replace(lines, i, lines.get(i) + " bogus", kind.label()));
            case UPPERCASE -> pick(lines, random, i -> isStatement(lines, i) && !isDirective(lines, i))
                    .map(i -> editToken(lines, i, 0, t -> t.toUpperCase(Locale.ROOT), kind.label()));
            case SWAP_LINES -> swapLines(lines, random);
            case DUP_SECTION -> dupSection(lines, random);
            case DELETE_HEADER -> pick(lines, random, i -> isHeader(lines, i) && i > firstStatement(lines))
                    .map(i -> remove(lines, i, i + 1, kind.label()));
            case TAB_INDENT -> pick(lines, random, i -> isStatement(lines, i) && !isHeader(lines, i)
                    && lines.get(i).startsWith(" "))
                    .map(i -> replace(lines, i, "\t" + lines.get(i).strip(), kind.label()));
            case UNSET_ENV -> pick(lines, random, i -> isStatement(lines, i) && !isDirective(lines, i)
                    && tokens(lines.get(i)).size() >= 2)
                    .map(i -> editToken(lines, i, tokens(lines.get(i)).size() - 1,
                            t -> "\"${CORPUS_UNSET}\"", kind.label()));
            case LONG_LINE -> pick(lines, random, i -> isStatement(lines, i) && !isHeader(lines, i)
                    && !isDirective(lines, i) && tokens(lines.get(i)).size() >= 2)
                    .map(i -> editToken(lines, i, tokens(lines.get(i)).size() - 1,
                            t -> t + "x".repeat(2100), kind.label()));
            case BAD_NAME -> pick(lines, random, i -> isHeader(lines, i)
                    && PROXIES.contains(tokens(lines.get(i)).get(0).text()) && tokens(lines.get(i)).size() >= 2)
                    .map(i -> editToken(lines, i, 1, t -> t + "@x", kind.label()));
        };
    }

    /** Returns whether line {@code i} says something: not blank, not a comment. */
    static boolean isStatement(List<String> lines, int i) {
        String text = lines.get(i).strip();
        return !text.isEmpty() && !text.startsWith("#");
    }

    /** Returns whether line {@code i} opens a section. */
    static boolean isHeader(List<String> lines, int i) {
        String text = lines.get(i);
        if (text.isEmpty() || Character.isWhitespace(text.charAt(0))) {
            return false;
        }
        List<Token> tokens = tokens(text);
        return !tokens.isEmpty() && SECTIONS.contains(tokens.get(0).text());
    }

    /** Returns whether line {@code i} is a conditional block or diagnostic directive ({@code .if}, {@code .diag}...). */
    static boolean isDirective(List<String> lines, int i) {
        return lines.get(i).strip().startsWith(".");
    }

    /** The whitespace-separated tokens of a line with their spans. */
    static List<Token> tokens(String line) {
        List<Token> tokens = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(line);
        while (matcher.find()) {
            tokens.add(new Token(matcher.group(), matcher.start(), matcher.end()));
        }
        return tokens;
    }

    /**
     * A token of a line.
     *
     * @param text  its text
     * @param start its first column, 0-based
     * @param end   the column after it
     */
    record Token(String text, int start, int end) {
    }

    private Optional<Mutant> misspell(Kind kind, List<String> lines, Random random) {
        List<int[]> places = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!isStatement(lines, i)) {
                continue;
            }
            List<Token> tokens = tokens(lines.get(i));
            for (int t = 0; t < tokens.size(); t++) {
                String text = tokens.get(t).text();
                boolean keyword = t == 0 || t == 1 && COMPOUND.contains(tokens.get(0).text());
                if (text.startsWith("#")) {
                    break;
                }
                if ((keyword || isDirective(lines, i) && t == 0) && text.length() >= 3
                        || WORD.matcher(text).matches()) {
                    places.add(new int[] {i, t});
                    if (keyword) {
                        // keywords twice as likely as values
                        places.add(new int[] {i, t});
                    }
                }
            }
        }
        if (places.isEmpty()) {
            return Optional.empty();
        }
        int[] place = places.get(random.nextInt(places.size()));
        String word = tokens(lines.get(place[0])).get(place[1]).text();
        String wrong = switch (kind) {
            case MISSPELL_SWAP -> swapLetters(word, random);
            case MISSPELL_DROP -> {
                int at = 1 + random.nextInt(word.length() - 1);
                yield word.substring(0, at) + word.substring(at + 1);
            }
            default -> {
                int at = random.nextInt(word.length());
                yield word.substring(0, at + 1) + word.charAt(at) + word.substring(at + 1);
            }
        };
        if (wrong.equals(word)) {
            return Optional.empty();
        }
        return Optional.of(editToken(lines, place[0], place[1], t -> wrong, kind.label()));
    }

    private static String swapLetters(String word, Random random) {
        for (int attempt = 0; attempt < 8; attempt++) {
            int at = random.nextInt(word.length() - 1);
            if (word.charAt(at) != word.charAt(at + 1)) {
                return word.substring(0, at) + word.charAt(at + 1) + word.charAt(at) + word.substring(at + 2);
            }
        }
        return word;
    }

    private Optional<Mutant> junkValue(List<String> lines, Random random) {
        List<int[]> places = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!isStatement(lines, i) || isDirective(lines, i)) {
                continue;
            }
            List<Token> tokens = tokens(lines.get(i));
            for (int t = 1; t < tokens.size(); t++) {
                if (NUMBER.matcher(tokens.get(t).text()).matches()) {
                    places.add(new int[] {i, t});
                }
            }
        }
        if (places.isEmpty()) {
            return Optional.empty();
        }
        int[] place = places.get(random.nextInt(places.size()));
        String[] junk = JUNK.get(random.nextInt(JUNK.size()));
        return Optional.of(editToken(lines, place[0], place[1], t -> junk[0], "junk-" + junk[1]));
    }

    private Optional<Mutant> dropArg(List<String> lines, Random random) {
        return pick(lines, random, i -> isStatement(lines, i) && !isDirective(lines, i)
                && tokens(lines.get(i)).size() >= 2 && !lines.get(i).contains("#"))
                .map(i -> {
                    List<Token> tokens = tokens(lines.get(i));
                    Token last = tokens.get(tokens.size() - 1);
                    String line = lines.get(i);
                    return replace(lines, i, line.substring(0, tokens.get(tokens.size() - 2).end())
                            + line.substring(last.end()), Kind.DROP_ARG.label());
                });
    }

    private Optional<Mutant> moveLine(List<String> lines, Random random) {
        List<Integer> headers = indexes(lines, i -> isHeader(lines, i));
        if (headers.size() < 2) {
            return Optional.empty();
        }
        return pick(lines, random, i -> isStatement(lines, i) && !isHeader(lines, i) && !isDirective(lines, i)
                && sectionOf(lines, i) >= 0).flatMap(i -> {
                    int own = sectionOf(lines, i);
                    List<Integer> others = headers.stream().filter(h -> h != own).toList();
                    int target = others.get(random.nextInt(others.size()));
                    int end = sectionEnd(lines, target);
                    List<String> copy = new ArrayList<>(lines);
                    String moved = copy.remove((int) i);
                    int at = end > i ? end - 1 : end;
                    copy.add(at, moved);
                    return Optional.of(new Mutant(copy, at + 1, Kind.MOVE_LINE.label()));
                });
    }

    private Optional<Mutant> swapTokens(List<String> lines, Random random) {
        return pick(lines, random, i -> isStatement(lines, i) && !isDirective(lines, i) && !isHeader(lines, i)
                && tokens(lines.get(i)).size() >= 3).flatMap(i -> {
                    List<Token> tokens = tokens(lines.get(i));
                    int t = random.nextInt(tokens.size() - 1);
                    Token a = tokens.get(t);
                    Token b = tokens.get(t + 1);
                    if (a.text().equals(b.text()) || a.text().startsWith("#") || b.text().startsWith("#")
                            || ADDRESS.matcher(a.text()).find() || ADDRESS.matcher(b.text()).find()) {
                        // a word swapped into an address is a host name to resolve: DNS, slow and not ours
                        return Optional.empty();
                    }
                    String line = lines.get(i);
                    String swapped = line.substring(0, a.start()) + b.text() + line.substring(a.end(), b.start())
                            + a.text() + line.substring(b.end());
                    return Optional.of(replace(lines, i, swapped, Kind.SWAP_TOKENS.label()));
                });
    }

    private Optional<Mutant> breakQuote(List<String> lines, Random random) {
        return pick(lines, random, i -> isStatement(lines, i) && tokens(lines.get(i)).size() >= 2)
                .map(i -> {
                    String line = lines.get(i);
                    int quote = line.lastIndexOf('"');
                    if (quote > 0 && random.nextBoolean()) {
                        return replace(lines, i, line.substring(0, quote) + line.substring(quote + 1),
                                Kind.BREAK_QUOTE.label());
                    }
                    List<Token> tokens = tokens(line);
                    Token token = tokens.get(1 + random.nextInt(tokens.size() - 1));
                    String mark = random.nextBoolean() ? "\"" : "'";
                    return replace(lines, i, line.substring(0, token.start()) + mark + line.substring(token.start()),
                            Kind.BREAK_QUOTE.label());
                });
    }

    private Optional<Mutant> deleteAcl(List<String> lines, Random random) {
        return pick(lines, random, i -> {
            List<Token> tokens = tokens(lines.get(i));
            if (tokens.size() < 3 || !tokens.get(0).text().equals("acl")) {
                return false;
            }
            Pattern use = Pattern.compile("(^|[\\s!])" + Pattern.quote(tokens.get(1).text()) + "(\\s|$)");
            for (int j = i + 1; j < lines.size(); j++) {
                List<Token> later = tokens(lines.get(j));
                if (!later.isEmpty() && !later.get(0).text().equals("acl") && use.matcher(lines.get(j)).find()) {
                    return true;
                }
            }
            return false;
        }).map(i -> remove(lines, i, i + 1, Kind.DELETE_ACL.label()));
    }

    private Optional<Mutant> deleteSection(List<String> lines, Random random) {
        return pick(lines, random, i -> isHeader(lines, i) && PROXIES.contains(tokens(lines.get(i)).get(0).text()))
                .map(i -> {
                    int end = sectionEnd(lines, i);
                    List<String> copy = new ArrayList<>(lines.subList(0, i));
                    copy.addAll(lines.subList(end, lines.size()));
                    return new Mutant(copy, Math.max(1, Math.min(i + 1, copy.size())), Kind.DELETE_SECTION.label());
                });
    }

    private Optional<Mutant> danglingRef(List<String> lines, Random random) {
        return pick(lines, random, i -> REFERENCE.matcher(lines.get(i)).find()
                || tokens(lines.get(i)).stream().anyMatch(t -> t.text().equals("track")))
                .map(i -> {
                    List<Token> tokens = tokens(lines.get(i));
                    int at = 1;
                    for (int t = 0; t < tokens.size() - 1; t++) {
                        if (tokens.get(t).text().equals("track")) {
                            at = t + 1;
                        }
                    }
                    if (tokens.get(0).text().equals("email-alert")) {
                        at = 2;
                    }
                    return editToken(lines, i, at, t -> "missing_" + t.replaceAll("[^A-Za-z0-9_]", ""),
                            Kind.DANGLING_REF.label());
                });
    }

    private Optional<Mutant> ifFalse(List<String> lines, Random random) {
        return pick(lines, random, i -> isStatement(lines, i) && !isHeader(lines, i) && !isDirective(lines, i))
                .map(i -> {
                    List<String> copy = new ArrayList<>(lines);
                    copy.add(i + 1, ".endif");
                    copy.add(i, ".if 0");
                    return new Mutant(copy, i + 1, Kind.IF_FALSE.label());
                });
    }

    private Optional<Mutant> swapLines(List<String> lines, Random random) {
        return pick(lines, random, i -> i + 1 < lines.size() && isStatement(lines, i) && isStatement(lines, i + 1)
                && !isHeader(lines, i) && !isHeader(lines, i + 1) && !isDirective(lines, i)
                && !isDirective(lines, i + 1) && !lines.get(i).equals(lines.get(i + 1)))
                .map(i -> {
                    List<String> copy = new ArrayList<>(lines);
                    copy.set(i, lines.get(i + 1));
                    copy.set(i + 1, lines.get(i));
                    return new Mutant(copy, i + 1, Kind.SWAP_LINES.label());
                });
    }

    private Optional<Mutant> dupSection(List<String> lines, Random random) {
        return pick(lines, random, i -> isHeader(lines, i) && tokens(lines.get(i)).size() >= 2
                && !tokens(lines.get(i)).get(0).text().equals("global"))
                .map(i -> {
                    int end = sectionEnd(lines, i);
                    List<String> copy = new ArrayList<>(lines);
                    List<String> section = new ArrayList<>(lines.subList(i, end));
                    if (!section.get(section.size() - 1).isBlank()) {
                        section.add("");
                    }
                    copy.addAll(end, section);
                    return new Mutant(copy, end + 1, Kind.DUP_SECTION.label());
                });
    }

    private static Optional<Integer> pick(List<String> lines, Random random, IntPredicate fits) {
        List<Integer> candidates = indexes(lines, fits);
        return candidates.isEmpty() ? Optional.empty()
                : Optional.of(candidates.get(random.nextInt(candidates.size())));
    }

    private static List<Integer> indexes(List<String> lines, IntPredicate fits) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (fits.test(i)) {
                found.add(i);
            }
        }
        return found;
    }

    private static int firstStatement(List<String> lines) {
        return indexes(lines, i -> isStatement(lines, i)).stream().findFirst().orElse(0);
    }

    /** The header line of the section holding line {@code i}, or -1 before any section. */
    private static int sectionOf(List<String> lines, int i) {
        for (int j = i; j >= 0; j--) {
            if (isHeader(lines, j)) {
                return j;
            }
        }
        return -1;
    }

    /** The index after the last line of the section opened at {@code header}. */
    private static int sectionEnd(List<String> lines, int header) {
        for (int j = header + 1; j < lines.size(); j++) {
            if (isHeader(lines, j)) {
                return j;
            }
        }
        return lines.size();
    }

    private static Mutant editToken(List<String> lines, int i, int t, UnaryOperator<String> edit,
                                    String label) {
        String line = lines.get(i);
        Token token = tokens(line).get(t);
        return replace(lines, i, line.substring(0, token.start()) + edit.apply(token.text())
                + line.substring(token.end()), label);
    }

    private static Mutant replace(List<String> lines, int i, String line, String label) {
        List<String> copy = new ArrayList<>(lines);
        copy.set(i, line);
        return new Mutant(copy, i + 1, label);
    }

    private static Mutant insert(List<String> lines, int at, String line, int reported, String label) {
        List<String> copy = new ArrayList<>(lines);
        copy.add(at, line);
        return new Mutant(copy, reported, label);
    }

    private static Mutant remove(List<String> lines, int i, int reported, String label) {
        List<String> copy = new ArrayList<>(lines);
        copy.remove(i);
        return new Mutant(copy, Math.max(1, Math.min(reported, copy.size())), label);
    }
}
