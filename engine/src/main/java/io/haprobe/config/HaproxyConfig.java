package io.haprobe.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed haproxy.cfg: the global settings and, in declaration order, every {@code backend} and
 * {@code listen} section with its servers and checks, and where each frontend sends its requests
 * ({@link #frontends()}); unknown sections are skipped; keywords haprobe does not act on are kept as {@link #warnings()}.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * HaproxyConfig cfg = HaproxyConfig.parse(Path.of("haproxy.cfg"));
 * ServerConfig web01 = cfg.proxy("app_backend").orElseThrow().server("web01").orElseThrow();
 * }</pre>
 *
 * @param file     the file name as given to the parser; never null
 * @param global   the {@code global} settings; never null
 * @param proxies  the backend and listen sections in declaration order; never null
 * @param warnings what was accepted but not acted on, in file order; never null
 * @param declarations every {@code frontend}, {@code backend} and {@code listen} section in file order, with its
 *                 mode (what {@code show stat} lists); never null
 * @param frontends the {@code frontend} sections and the frontend side of the {@code listen} sections, in
 *                  declaration order (the request model's routing); never null
 */
public record HaproxyConfig(String file, GlobalSettings global, List<ProxyConfig> proxies,
                            List<ConfigWarning> warnings, List<ProxyDeclaration> declarations,
                            List<FrontendConfig> frontends) {

    /**
     * Validates the components and copies the lists.
     *
     * @throws NullPointerException if an argument is null
     */
    public HaproxyConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(global, "global");
        proxies = List.copyOf(proxies);
        warnings = List.copyOf(warnings);
        declarations = List.copyOf(declarations);
        frontends = List.copyOf(frontends);
    }

    /**
     * Creates a configuration without frontends, whose backend and listen sections are declared in the order of
     * {@code proxies}, in mode {@code tcp}.
     *
     * @param file     the file name; never null
     * @param global   the global settings; never null
     * @param proxies  the backend and listen sections; never null
     * @param warnings the warnings; never null
     * @throws NullPointerException if an argument is null
     */
    public HaproxyConfig(String file, GlobalSettings global, List<ProxyConfig> proxies,
                         List<ConfigWarning> warnings) {
        this(file, global, proxies, warnings, proxies.stream()
                .map(p -> new ProxyDeclaration(p.name(), p.listen() ? "listen" : "backend", "tcp", p.location()))
                .toList(), List.of());
    }

    /**
     * Reads and parses a configuration file (UTF-8) with the process environment ({@link System#getenv()}) as
     * the environment the file starts with.
     *
     * @param file the haproxy.cfg path; never null
     * @return the configuration
     * @throws ConfigException if the file cannot be read or is malformed; its message names the file, line
     *                         and column. Nothing else is thrown, whatever the input.
     */
    public static HaproxyConfig parse(Path file) {
        return HaproxyConfigParser.parse(file);
    }

    /**
     * Parses configuration text.
     *
     * @param file the name to use in messages, e.g. {@code haproxy.cfg}; never null
     * @param text the configuration text; never null
     * @return the configuration
     * @throws ConfigException if the text is malformed. Nothing else is thrown, whatever the input.
     */
    public static HaproxyConfig parse(String file, String text) {
        return HaproxyConfigParser.parse(file, text);
    }

    /**
     * Reads and parses a configuration file (UTF-8) with a given starting environment instead of the process
     * environment, for tests and tools that must not depend on it.
     *
     * @param file the haproxy.cfg path; never null
     * @param env  the variables the file starts with ({@code "${NAME}"} expansion, {@code defined(NAME)});
     *             never null, copied: the file's {@code setenv}, {@code presetenv}, {@code resetenv} and
     *             {@code unsetenv} change the copy, never the map nor the process environment
     * @return the configuration
     * @throws ConfigException if the file cannot be read or is malformed
     */
    public static HaproxyConfig parse(Path file, Map<String, String> env) {
        return HaproxyConfigParser.parse(file, env);
    }

    /**
     * Parses configuration text with a given starting environment instead of the process environment.
     *
     * @param file the name to use in messages; never null
     * @param text the configuration text; never null
     * @param env  the variables the text starts with; never null, copied (see {@link #parse(Path, Map)})
     * @return the configuration
     * @throws ConfigException if the text is malformed. Nothing else is thrown, whatever the input.
     */
    public static HaproxyConfig parse(String file, String text, Map<String, String> env) {
        return new HaproxyConfigParser(file, env).parse(text);
    }

    /**
     * Reads a file and reports every line HAProxy 2.6.12's {@code haproxy -c} would refuse, instead of stopping
     * at the first: unknown keywords, options, actions, fetches (each with a did-you-mean), missing or malformed
     * arguments, conditions naming undeclared ACLs, missing backends, and everything {@link #parse(Path)}
     * refuses. A file HAProxy accepts without a listener is accepted.
     *
     * @param file the haproxy.cfg path; never null
     * @param env  the variables the file starts with; never null, copied (see {@link #parse(Path, Map)})
     * @return the errors in file order, the warnings, and the configuration when there is no error
     * @throws ConfigException only if the file cannot be read (at {@code file:1:1}, with the OS reason)
     */
    public static ConfigValidation validate(Path file, Map<String, String> env) {
        return new HaproxyConfigParser(file.toString(), env).validate(ConfigFiles.readUtf8(file));
    }

    /**
     * Validates configuration text; see {@link #validate(Path, Map)}.
     *
     * @param file the name to use in messages; never null
     * @param text the configuration text; never null
     * @param env  the variables the text starts with; never null, copied
     * @return the errors in file order, the warnings, and the configuration when there is no error
     */
    public static ConfigValidation validate(String file, String text, Map<String, String> env) {
        return new HaproxyConfigParser(file, env).validate(text);
    }

    /**
     * Returns the backend or listen section called {@code name}.
     *
     * @param name a section name; never null
     * @return the section, or empty if there is none of that name
     */
    public Optional<ProxyConfig> proxy(String name) {
        for (ProxyConfig proxy : proxies) {
            if (proxy.name().equals(name)) {
                return Optional.of(proxy);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the {@code fullconn} HAProxy 2.6 runs a backend with (proxy.c {@code proxy_adjust_all_maxconn()}):
     * its own {@code fullconn}, else 10% (rounded up, at least 1) of the sum of the {@code maxconn} of the
     * frontends that can send it requests: those whose {@code default_backend} or unconditional
     * {@code use_backend} names it (each frontend once), and a listen section for itself. A frontend without
     * {@code maxconn} counts with the global one, which HAProxy derives from the file-descriptor limit when
     * {@code global maxconn} is unset: the caller says what it is.
     *
     * @param proxy         a backend or listen section of this configuration; never null
     * @param globalMaxConn the global {@code maxconn} to assume for frontends without their own, {@code >= 0}
     * @return the value, {@code >= 1}
     * @throws NullPointerException     if {@code proxy} is null
     * @throws IllegalArgumentException if {@code globalMaxConn} is negative
     */
    public int fullConn(ProxyConfig proxy, int globalMaxConn) {
        Objects.requireNonNull(proxy, "proxy");
        if (globalMaxConn < 0) {
            throw new IllegalArgumentException("globalMaxConn: " + globalMaxConn + " (expected: >= 0)");
        }
        if (proxy.traffic().fullConn() > 0) {
            return proxy.traffic().fullConn();
        }
        long total = 0;
        for (FrontendConfig frontend : frontends) {
            String fallback = frontend.defaultBackend() != null ? frontend.defaultBackend()
                    : frontend.listen() ? frontend.name() : null;
            boolean routes = proxy.name().equals(fallback) || frontend.useBackends().contains(proxy.name());
            if (routes) {
                total += frontend.maxConn() > 0 ? frontend.maxConn() : globalMaxConn;
            }
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (total + 9) / 10));
    }

    /**
     * Returns the process's connection limit HAProxy 2.6.12 runs this configuration with: {@code global maxconn}
     * when set, else derived from the descriptor limit ({@link GlobalSettings#effectiveMaxConn(long, int)}) after
     * HAProxy sets aside, as measured on 2.6.12 with {@code show info}: {@value
     * GlobalSettings#FIXED_RESERVED_DESCRIPTORS} descriptors, one per listening socket ({@code bind} addresses and
     * ports, {@code stats socket} lines), one per server health check, two per agent check, and three per thread
     * (its poller and its wake-up pipe). With 20000 descriptors, 2 threads, one {@code bind}, one
     * {@code stats socket} and no check, that is (20000 - 28) / 2 = 9986.
     *
     * @param fdLimit the descriptor limit HAProxy boots with ({@code ulimit -n}, the larger of soft and hard),
     *                {@code >= 1}
     * @param threads the threads HAProxy runs: {@code nbthread}, else its processors, {@code >= 1}
     * @return the limit, {@code >= 1}
     * @throws IllegalArgumentException if {@code fdLimit} or {@code threads} is below 1
     */
    public int effectiveMaxConn(long fdLimit, int threads) {
        return global.effectiveMaxConn(fdLimit, (int) Math.min(Integer.MAX_VALUE, reservedDescriptors(threads)));
    }

    /**
     * Returns the descriptors HAProxy 2.6.12 counts on for this configuration ({@code show info}'s Maxsock): two
     * per connection of {@link #effectiveMaxConn(long, int)} plus those it sets aside (listeners, checks, threads:
     * see there). Measured on 2.6.12: with {@code maxconn 1000}, one {@code bind}, one {@code stats socket}, two
     * health checks, one agent check and 2 threads, 2000 + 20 + 2 + 2 + 2 + 6 = 2032; without {@code maxconn} and
     * 20000 descriptors, 20000 or 19999 (the derived Maxconn rounds down).
     *
     * @param fdLimit the descriptor limit HAProxy boots with, {@code >= 1}; unused with {@code global maxconn}
     * @param threads the threads HAProxy runs, {@code >= 1}
     * @return the descriptors, {@code >= 1}
     * @throws IllegalArgumentException if {@code fdLimit} or {@code threads} is below 1
     */
    public long maxSock(long fdLimit, int threads) {
        return 2L * effectiveMaxConn(fdLimit, threads) + reservedDescriptors(threads);
    }

    /**
     * Returns the descriptor limit HAProxy 2.6.12 sets for itself and runs with ({@code show info}'s Ulimit-n):
     * {@code global ulimit-n} when set, else {@link #maxSock(long, int)} (measured: 2032 with {@code maxconn 1000}
     * in a shell allowing 20000; 1000 with {@code ulimit-n 1000}, Maxsock staying 20000 without {@code maxconn}).
     *
     * @param fdLimit the descriptor limit HAProxy boots with, {@code >= 1}
     * @param threads the threads HAProxy runs, {@code >= 1}
     * @return the limit, {@code >= 1}
     * @throws IllegalArgumentException if {@code fdLimit} or {@code threads} is below 1
     */
    public long ulimitN(long fdLimit, int threads) {
        long maxSock = maxSock(fdLimit, threads);
        return global.ulimitN() > 0 ? global.ulimitN() : maxSock;
    }

    /** The descriptors set aside before connections: fixed ones, listeners, checks, agents, threads. */
    private long reservedDescriptors(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
        }
        long reserved = GlobalSettings.FIXED_RESERVED_DESCRIPTORS + global.statsSockets().size() + 3L * threads;
        for (FrontendConfig frontend : frontends) {
            reserved += frontend.listeners();
        }
        for (ProxyConfig proxy : proxies) {
            for (ServerConfig server : proxy.servers()) {
                reserved += (server.check().enabled() ? 1 : 0) + (server.agent().enabled() ? 2 : 0);
            }
        }
        return reserved;
    }
}
