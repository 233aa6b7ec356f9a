package io.haprobe.config;

import io.haprobe.config.Balancing.Algorithm;
import io.haprobe.config.Balancing.Arguments;
import io.haprobe.config.Balancing.HashFunction;
import io.haprobe.config.Balancing.HashType;
import java.util.List;

/**
 * Parses {@code balance}, {@code hash-type} and {@code hash-balance-factor} (CFG §4.2) into a {@link Balancing},
 * with HAProxy 2.6's messages for bad arguments (backend.c {@code backend_parse_balance}, cfgparse-listen.c),
 * and applies the end-of-section rules ({@link #finish}).
 *
 * <p>Stateless; each method works on the line it is given.
 */
final class BalanceParser {

    private BalanceParser() {
    }

    /**
     * Parses a {@code balance} line: the algorithm and its arguments replace {@code current}'s, the hash type
     * stays. Warns when the algorithm's traffic decisions are not modelled.
     *
     * @throws ConfigException with HAProxy's message, at the offending word
     */
    static Balancing balance(List<ConfigToken> tokens, Balancing current, ParseContext context) {
        if (tokens.size() < 2 || tokens.get(1).text().isEmpty()) {
            return current.withAlgorithm(Algorithm.ROUNDROBIN, Arguments.NONE);
        }
        ConfigToken word = tokens.get(1);
        String algorithm = word.text();
        Balancing parsed = switch (algorithm) {
            case "roundrobin" -> current.withAlgorithm(Algorithm.ROUNDROBIN, Arguments.NONE);
            case "static-rr" -> current.withAlgorithm(Algorithm.STATIC_RR, Arguments.NONE);
            case "first" -> current.withAlgorithm(Algorithm.FIRST, Arguments.NONE);
            case "leastconn" -> current.withAlgorithm(Algorithm.LEASTCONN, Arguments.NONE);
            case "source" -> current.withAlgorithm(Algorithm.SOURCE, Arguments.NONE);
            case "uri" -> current.withAlgorithm(Algorithm.URI, uri(tokens, context));
            case "url_param" -> current.withAlgorithm(Algorithm.URL_PARAM, urlParam(tokens, context));
            case "hash" -> current.withAlgorithm(Algorithm.HASH, expression(tokens, context));
            default -> {
                if (algorithm.startsWith("random")) {
                    yield current.withAlgorithm(Algorithm.RANDOM, Arguments.random(draws(word, context)));
                }
                if (algorithm.startsWith("hdr(")) {
                    yield current.withAlgorithm(Algorithm.HDR, header(tokens, context));
                }
                if (algorithm.startsWith("rdp-cookie")) {
                    yield current.withAlgorithm(Algorithm.RDP_COOKIE, rdpCookie(word, context));
                }
                throw context.error(word, "balance only supports 'roundrobin', 'static-rr', 'leastconn', 'source',"
                        + " 'uri', 'url_param', 'hdr(name)' and 'rdp-cookie(name)' options.");
            }
        };
        if (!parsed.modelled()) {
            context.warn(word, "'balance " + parsed.algorithm().statName() + "' is accepted, but haprobe does not"
                    + " model its traffic decisions (which server a request goes to)");
        }
        return parsed;
    }

    /**
     * Parses {@code hash-type {map-based|consistent} [<function> [avalanche]]}.
     *
     * @throws ConfigException with HAProxy's message
     */
    static Balancing hashType(List<ConfigToken> tokens, Balancing current, ParseContext context) {
        ConfigToken keyword = tokens.get(0);
        String method = tokens.size() > 1 ? tokens.get(1).text() : "";
        boolean consistent;
        switch (method) {
            case "consistent" -> consistent = true;
            case "map-based" -> consistent = false;
            case "avalanche" -> throw context.error(tokens.get(1), "experimental feature 'hash-type avalanche' is not"
                    + " supported anymore, please use 'hash-type map-based sdbm avalanche' instead.");
            default -> throw context.error(tokens.size() > 1 ? tokens.get(1) : keyword,
                    "'hash-type' only supports 'consistent' and 'map-based'.");
        }
        if (tokens.size() < 3 || tokens.get(2).text().isEmpty()) {
            return current.withHashType(consistent ? HashType.CONSISTENT : HashType.MAP_BASED);
        }
        ConfigToken name = tokens.get(2);
        HashFunction function = switch (name.text()) {
            case "sdbm" -> HashFunction.SDBM;
            case "djb2" -> HashFunction.DJB2;
            case "wt6" -> HashFunction.WT6;
            case "crc32" -> HashFunction.CRC32;
            default -> throw context.error(name,
                    "'hash-type' only supports 'sdbm', 'djb2', 'crc32', or 'wt6' hash functions.");
        };
        boolean avalanche = false;
        if (tokens.size() > 3 && !tokens.get(3).text().isEmpty()) {
            if (!tokens.get(3).is("avalanche")) {
                throw context.error(tokens.get(3), "'hash-type' only supports 'avalanche' as a modifier for hash"
                        + " functions.");
            }
            avalanche = true;
        }
        return current.withHashType(new HashType(consistent, function, avalanche));
    }

    /**
     * Parses {@code hash-balance-factor <N>}: {@code atol}, so a word that is not a number reads as 0 (off).
     *
     * @throws ConfigException without an argument, or for a factor that is neither 0 nor above 100
     */
    static Balancing hashBalanceFactor(List<ConfigToken> tokens, Balancing current, ParseContext context) {
        if (tokens.size() < 2 || tokens.get(1).text().isEmpty()) {
            throw context.error(tokens.get(0), "'hash-balance-factor' expects an integer argument.");
        }
        long factor = leadingInteger(tokens.get(1).text());
        if (factor != 0 && factor <= 100 || factor > Integer.MAX_VALUE) {
            throw context.error(tokens.get(1), "'hash-balance-factor' must be 0 or greater than 100.");
        }
        return current.withHashBalanceFactor((int) factor);
    }

    /**
     * Applies HAProxy's end-of-section rule (proxy.c {@code proxy_cfg_ensure_no_http}): a layer 7 algorithm
     * ({@code uri}, {@code url_param}, {@code hdr}) in a section that is not {@code mode http} falls back to
     * round robin, with HAProxy's warning.
     */
    static Balancing finish(Balancing balancing, String mode, String kindWord, String section, SourceLocation where,
                            List<ConfigWarning> warnings) {
        if (!balancing.algorithm().needsHttp() || "http".equals(mode)) {
            return balancing;
        }
        warnings.add(new ConfigWarning(where, "Layer 7 hash not possible for " + kindWord + " '" + section
                + "' (needs 'mode http'). Falling back to round robin."));
        return balancing.withAlgorithm(Algorithm.ROUNDROBIN, Arguments.NONE);
    }

    private static Arguments uri(List<ConfigToken> tokens, ParseContext context) {
        boolean whole = false;
        boolean pathOnly = false;
        int length = 0;
        int depth = 0;
        for (int i = 2; i < tokens.size() && !tokens.get(i).text().isEmpty(); i++) {
            ConfigToken option = tokens.get(i);
            switch (option.text()) {
                case "len", "depth" -> {
                    String value = i + 1 < tokens.size() ? tokens.get(i + 1).text() : "";
                    long n = leadingInteger(value);
                    if (value.isEmpty() || n <= 0 || n > Integer.MAX_VALUE) {
                        throw context.error(option, "balance uri : '" + option.text()
                                + "' expects a positive integer (got '" + value + "').");
                    }
                    if (option.is("len")) {
                        length = (int) n;
                    } else {
                        depth = (int) n;
                    }
                    i++;
                }
                case "whole" -> whole = true;
                case "path-only" -> pathOnly = true;
                default -> throw context.error(option, "balance uri only accepts parameters 'len', 'depth',"
                        + " 'path-only', and 'whole' (got '" + option.text() + "').");
            }
        }
        return Arguments.uri(whole, pathOnly, length, depth);
    }

    private static Arguments urlParam(List<ConfigToken> tokens, ParseContext context) {
        if (tokens.size() < 3 || tokens.get(2).text().isEmpty()) {
            throw context.error(tokens.get(1), "balance url_param requires an URL parameter name.");
        }
        boolean checkPost = false;
        if (tokens.size() > 3 && !tokens.get(3).text().isEmpty()) {
            if (!tokens.get(3).is("check_post")) {
                throw context.error(tokens.get(3), "balance url_param only accepts 'check_post' modifier (got '"
                        + tokens.get(3).text() + "').");
            }
            checkPost = true;
        }
        return Arguments.urlParam(tokens.get(2).text(), checkPost);
    }

    private static Arguments expression(List<ConfigToken> tokens, ParseContext context) {
        if (tokens.size() < 3 || tokens.get(2).text().isEmpty()) {
            throw context.error(tokens.get(1), "balance hash requires a sample expression.");
        }
        if (tokens.size() > 3 && !tokens.get(3).text().isEmpty()) {
            throw context.error(tokens.get(3), "balance hash takes no other argument (got '" + tokens.get(3).text()
                    + "').");
        }
        return Arguments.named(tokens.get(2).text());
    }

    private static Arguments header(List<ConfigToken> tokens, ParseContext context) {
        ConfigToken word = tokens.get(1);
        String text = word.text();
        int close = text.indexOf(')', 4);
        if (close <= 4) {
            throw context.error(word, "balance hdr requires an http header field name.");
        }
        boolean domainOnly = false;
        if (tokens.size() > 2 && !tokens.get(2).text().isEmpty()) {
            if (!tokens.get(2).is("use_domain_only")) {
                throw context.error(tokens.get(2), "balance " + text + " only accepts 'use_domain_only' modifier"
                        + " (got '" + tokens.get(2).text() + "').");
            }
            domainOnly = true;
        }
        return Arguments.header(text.substring(4, close), domainOnly);
    }

    private static Arguments rdpCookie(ConfigToken word, ParseContext context) {
        String text = word.text();
        if (text.length() == "rdp-cookie".length()) {
            return Arguments.named("mstshash");
        }
        int close = text.indexOf(')', 11);
        if (text.charAt(10) != '(' || close <= 11) {
            throw context.error(word, "balance rdp-cookie : missing cookie name.");
        }
        return Arguments.named(text.substring(11, close));
    }

    /**
     * Reads {@code random}'s draws as HAProxy does: any word starting with {@code random} is accepted, and a
     * parenthesis holds a C integer ({@code strtol} base 0: decimal, {@code 0x} hex, {@code 0} octal).
     */
    private static int draws(ConfigToken word, ParseContext context) {
        String text = word.text();
        if (text.length() < 7 || text.charAt(6) != '(' || text.length() > 7 && text.charAt(7) == ')') {
            return 2;
        }
        int[] end = new int[1];
        long draws = strtol(text, 7, end);
        if (end[0] >= text.length()) {
            throw context.error(word, "balance random : missing closing parenthesis.");
        }
        if (text.charAt(end[0]) != ')') {
            throw context.error(word, "balance random : unexpected character '" + text.charAt(end[0])
                    + "' after argument.");
        }
        if (draws < 1) {
            throw context.error(word, "balance random : number of draws must be at least 1.");
        }
        return (int) Math.min(draws, Integer.MAX_VALUE);
    }

    /** C's {@code strtol(s + from, &end, 0)}, saturating; {@code end[0]} is where parsing stopped. */
    private static long strtol(String s, int from, int[] end) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int radix = 10;
        if (i + 1 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) | 0x20) == 'x'
                && i + 2 < s.length() && Character.digit(s.charAt(i + 2), 16) >= 0) {
            radix = 16;
            i += 2;
        } else if (i < s.length() && s.charAt(i) == '0') {
            radix = 8;
        }
        int start = i;
        long value = 0;
        while (i < s.length() && Character.digit(s.charAt(i), radix) >= 0) {
            value = Math.min(value * radix + Character.digit(s.charAt(i), radix), Integer.MAX_VALUE + 1L);
            i++;
        }
        end[0] = i == start ? from : i;
        return negative ? -value : value;
    }

    /** C's {@code atol}: the leading integer of {@code text}, 0 if none, saturated. */
    private static long leadingInteger(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        long value = 0;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            value = Math.min(value * 10 + (text.charAt(i) - '0'), Integer.MAX_VALUE + 1L);
            i++;
        }
        return negative ? -value : value;
    }
}
