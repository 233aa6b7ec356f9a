package io.haprobe.config;

import java.util.Objects;

/**
 * A configuration line that changes what HAProxy 2.6 does with requests (the server chosen, the status the
 * client gets, when it is admitted) but that haprobe's traffic model ({@code io.haprobe.traffic}) does not
 * model, such as an {@code http-request deny} rule, {@code use-server} or {@code http-reuse always}. The parser
 * records it on the section ({@link ProxyTrafficSettings#unmodelled()}, {@link FrontendConfig#unmodelled()}) without
 * warning, since it does not change health checks; a simulation whose traffic goes through the section warns
 * with {@link #warning()}, once per line.
 *
 * <p>Immutable and thread-safe.
 *
 * @param keyword  the keyword as the warning names it: the first word, with the option name
 *                 ({@code option abortonclose}), the rule's action ({@code http-request deny},
 *                 {@code tcp-request content reject}) or the sub-keyword ({@code stick on}); never null
 * @param location the place of the line's first token (a {@code defaults} line for what a section inherits);
 *                 never null
 * @param effect   what HAProxy 2.6 does that haprobe does not, one sentence; never null
 */
public record UnmodelledTraffic(String keyword, SourceLocation location, String effect) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if an argument is null
     */
    public UnmodelledTraffic {
        Objects.requireNonNull(keyword, "keyword");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(effect, "effect");
    }

    /**
     * Returns the warning a simulation gives when its traffic goes through this line.
     *
     * @return {@code keyword 'K' changes traffic but the traffic model ignores it: EFFECT} at {@link #location()}
     */
    public ConfigWarning warning() {
        return new ConfigWarning(location, "keyword '" + keyword + "' changes traffic but the traffic model"
                + " ignores it: " + effect);
    }
}
