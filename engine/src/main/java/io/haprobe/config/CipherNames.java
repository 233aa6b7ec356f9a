package io.haprobe.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the OpenSSL cipher strings of {@code ciphers} and {@code ciphersuites} (CFG §5.2) into the standard
 * (IANA) suite names Java's TLS implementations take. OpenSSL names the TLS 1.2 suites its own way
 * ({@code ECDHE-RSA-AES128-GCM-SHA256}); the common ones are mapped here. OpenSSL's selection language (aliases
 * such as {@code HIGH}, operators such as {@code !aNULL}, {@code @STRENGTH}) has no Java counterpart: those
 * parts are reported as ignored, and a list made of them alone keeps the provider's default suites.
 *
 * <p>Stateless and thread-safe.
 */
final class CipherNames {

    /** OpenSSL name to IANA name, for the TLS 1.2 and older suites users commonly list. */
    static final Map<String, String> OPENSSL_TO_IANA = Map.ofEntries(
            Map.entry("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("DHE-RSA-AES128-GCM-SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("DHE-RSA-AES256-GCM-SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("DHE-RSA-CHACHA20-POLY1305", "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("ECDHE-ECDSA-AES128-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("ECDHE-RSA-AES128-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("ECDHE-ECDSA-AES256-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
            Map.entry("ECDHE-RSA-AES256-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
            Map.entry("ECDHE-ECDSA-AES128-SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
            Map.entry("ECDHE-RSA-AES128-SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry("ECDHE-ECDSA-AES256-SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
            Map.entry("ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry("DHE-RSA-AES128-SHA256", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("DHE-RSA-AES256-SHA256", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
            Map.entry("DHE-RSA-AES128-SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry("DHE-RSA-AES256-SHA", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("AES128-SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("AES256-SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256"),
            Map.entry("AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry("AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry("ECDHE-RSA-DES-CBC3-SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"),
            Map.entry("DES-CBC3-SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"));

    /** The TLS 1.3 suites OpenSSL knows; {@code ciphersuites} names them the IANA way already. */
    static final Set<String> TLS13_SUITES = Set.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256");

    /** OpenSSL's cipher aliases: each selects a group of suites, none has a Java counterpart. */
    private static final Set<String> ALIASES = Set.of("ALL", "COMPLEMENTOFALL", "COMPLEMENTOFDEFAULT", "DEFAULT",
            "HIGH", "MEDIUM", "LOW", "eNULL", "NULL", "aNULL", "kRSA", "RSA", "aRSA", "kDHE", "kEDH", "DH", "DHE",
            "EDH", "ADH", "kEECDH", "kECDHE", "ECDH", "ECDHE", "EECDH", "AECDH", "aECDSA", "ECDSA", "AES", "AES128",
            "AES256", "AESGCM", "AESCCM", "AESCCM8", "CHACHA20", "3DES", "DES", "RC4", "MD5", "SHA1", "SHA",
            "SHA256", "SHA384", "PSK", "kPSK", "SUITEB128", "SUITEB128ONLY", "SUITEB192", "TLSv1.2", "TLSv1.0",
            "TLSv1", "SSLv3", "CAMELLIA", "ARIA", "SEED", "IDEA", "aDSS", "DSS", "kECDHEPSK", "kDHEPSK", "kRSAPSK",
            "GOST", "CBC");

    /**
     * Splits an OpenSSL {@code ciphers} string and maps it.
     *
     * @param list the string as written, e.g. {@code ECDHE-RSA-AES128-GCM-SHA256:!aNULL}; never null
     * @return the mapped suites (empty: the provider's defaults) and what was ignored
     */
    static Mapping ciphers(String list) {
        List<String> suites = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        boolean selects = false;
        for (String token : split(list)) {
            String iana = OPENSSL_TO_IANA.get(token);
            if (iana != null) {
                if (!suites.contains(iana)) {
                    suites.add(iana);
                }
                continue;
            }
            ignored.add(token);
            // an alias or a combination such as ECDHE+AESGCM selects suites in OpenSSL; '!', '-' and '@' never do
            String bare = token.startsWith("+") ? token.substring(1) : token;
            if (!bare.isEmpty() && "!-@".indexOf(bare.charAt(0)) < 0
                    && (ALIASES.contains(bare) || (bare.contains("+") && isAliasCombination(bare)))) {
                selects = true;
            }
        }
        return new Mapping(List.copyOf(suites), List.copyOf(ignored), !suites.isEmpty() || selects);
    }

    /**
     * Splits an OpenSSL {@code ciphersuites} (TLS 1.3) string.
     *
     * @param list the string as written, e.g. {@code TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256}; never
     *             null
     * @return the suites OpenSSL knows and what it does not
     */
    static Mapping cipherSuites(String list) {
        List<String> suites = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (String token : split(list)) {
            if (TLS13_SUITES.contains(token)) {
                if (!suites.contains(token)) {
                    suites.add(token);
                }
            } else {
                ignored.add(token);
            }
        }
        return new Mapping(List.copyOf(suites), List.copyOf(ignored), !suites.isEmpty());
    }

    private CipherNames() {
    }

    private static boolean isAliasCombination(String token) {
        for (String part : token.split("\\+")) {
            if (!ALIASES.contains(part)) {
                return false;
            }
        }
        return true;
    }

    private static List<String> split(String list) {
        List<String> tokens = new ArrayList<>();
        for (String token : list.split("[:, ]")) {
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    /**
     * The result of mapping a cipher string.
     *
     * @param suites  the IANA names, in the order given; empty when nothing mapped
     * @param ignored the tokens with no Java counterpart, in the order given
     * @param valid   OpenSSL would select at least one suite from the string (else HAProxy refuses it)
     */
    record Mapping(List<String> suites, List<String> ignored, boolean valid) {
    }
}
