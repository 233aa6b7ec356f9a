package io.haprobe.config;

import java.util.List;

/**
 * The transport options {@code tcp-check connect} and {@code http-check connect} share (HAProxy parses both with
 * one function): {@code default}, {@code send-proxy}, {@code ssl}, {@code sni <name>}, {@code alpn <list>}
 * (spec §5.2, §6.2). Each parser keeps its own {@code port}, {@code addr}, {@code comment} and error wording.
 *
 * <p>One per connect line; not thread-safe.
 */
final class ConnectOptionReader {

    boolean useDefault;
    boolean sendProxy;
    boolean ssl;
    String sni;
    List<String> alpn = List.of();

    /**
     * Returns the options read so far.
     *
     * @return the options; never null
     */
    ConnectOptions options() {
        return new ConnectOptions(useDefault, ssl, sni, alpn, sendProxy);
    }

    /**
     * Reads the option at {@code tokens[index]} if it is one of these.
     *
     * @param tokens    the line's tokens
     * @param index     the option's position
     * @param directive {@code tcp-check connect} or {@code http-check connect}, for messages
     * @param in        the line's place and errors
     * @return the position of the option's last token, or -1 when the token is not one of these options
     * @throws ConfigException if the option's value is missing or bad
     */
    int read(List<ConfigToken> tokens, int index, String directive, TcpCheckSettings.Context in) {
        switch (tokens.get(index).text()) {
            case "default" -> useDefault = true;
            case "send-proxy" -> sendProxy = true;
            case "ssl" -> ssl = true;
            case "sni" -> {
                ConfigToken value = in.argument(tokens, ++index);
                if (value.text().isEmpty()) {
                    throw in.error(value, "'" + directive + " sni': empty value (expected: a server name)");
                }
                sni = value.text();
            }
            case "alpn" -> {
                ConfigToken value = in.argument(tokens, ++index);
                alpn = List.of(value.text().split(",", -1));
                if (alpn.stream().anyMatch(p -> p.isEmpty() || p.length() > 255)) {
                    throw ConfigValues.invalid(in.file(), in.line(), directive + " alpn", value,
                            "a comma-delimited list of protocol names such as h2,http/1.1");
                }
            }
            default -> {
                return -1;
            }
        }
        return index;
    }
}
