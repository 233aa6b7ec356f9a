package io.haprobe.junit;

import io.haprobe.config.ConfigException;
import io.haprobe.config.HaproxyConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * A JUnit 5 extension that runs a haproxy.cfg's health checks in a test, either simulated on virtual time
 * against scripted backends ({@link #config(String)} then {@link SimulatedHaproxy.Builder#start()}), or live
 * against real servers ({@link #live(String)}), and closes everything it started when the test ends.
 *
 * <pre>{@code
 * class WrongStatusTest {
 *
 *     @RegisterExtension
 *     static final HaprobeExtension haprobe = new HaprobeExtension();
 *
 *     @Test
 *     void web01GoesDownOnA204() {
 *         // app_backend has one server, web01, with "check inter 2s fall 1"; a server without a script
 *         // finds nothing listening
 *         SimulatedHaproxy sim = haprobe.config("haproxy.cfg")          // a classpath resource or a file
 *                 .server("app_backend/web01", s -> s.at("0s").http(200).at("5s").http(204, "No Content"))
 *                 .seed(7)
 *                 .start();
 *         sim.runFor("20s");
 *         sim.assertTransitions("t=6000ms app_backend/web01 UP->DOWN L7STS 204 \"No Content\"");
 *     }
 * }
 * }</pre>
 *
 * <p>Or with {@code @ExtendWith(HaprobeExtension.class)}: a test, {@code @BeforeEach} or {@code @BeforeAll}
 * method then takes a {@code HaprobeExtension} parameter.
 *
 * <p>Lifecycle: what a test (or its {@code @BeforeEach}/{@code @AfterEach} methods) starts is closed after the
 * test, in reverse order of creation, after the test's own {@code @AfterEach} methods. Registered in a static
 * field (or with {@code @ExtendWith}), what {@code @BeforeAll} starts is closed after all tests of the class.
 * A close that throws fails the test, and the other resources are still closed.
 *
 * <p>Threading: the extension may be shared by tests running in parallel. Each test's resources are found by
 * the thread running it, so call the extension from the test's thread (the thread of its {@code @BeforeEach}
 * and {@code @AfterEach} methods), not from threads the test starts. A {@link SimulatedHaproxy} is confined to
 * that thread anyway; a {@link LiveHaproxy}'s getters may be read from any thread.
 */
public final class HaprobeExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            HaprobeExtension.class);

    private final ThreadLocal<Scope> current = new ThreadLocal<>();

    /** Creates the extension; register it with {@code @RegisterExtension} or {@code @ExtendWith}. */
    public HaprobeExtension() {
    }

    /**
     * Prepares a simulated run of the config in the classpath resource {@code resourceOrFile} (looked up with
     * the test class's class loader; a leading {@code /} is ignored) or, if there is no such resource, in the
     * file at that path (relative to the working directory, the module's directory under Maven).
     *
     * @param resourceOrFile e.g. {@code haproxy.cfg} in {@code src/test/resources}; never null
     * @return the setup of the run, not started
     * @throws NullPointerException     if {@code resourceOrFile} is null
     * @throws IllegalArgumentException if neither a resource nor a file has that name
     * @throws ConfigException          if the config is invalid or the file cannot be read; the message names
     *                                  the file, line and column
     * @throws UncheckedIOException     if the resource cannot be read
     * @throws IllegalStateException    if no test of this extension is running on this thread
     */
    public SimulatedHaproxy.Builder config(String resourceOrFile) {
        return config(ConfigSources.resourceOrFile(resourceOrFile, scope().classLoader));
    }

    /**
     * Prepares a simulated run of the config file at {@code file}.
     *
     * @param file the haproxy.cfg; never null
     * @return the setup of the run, not started
     * @throws NullPointerException  if {@code file} is null
     * @throws ConfigException       if the file cannot be read or is invalid
     * @throws IllegalStateException if no test of this extension is running on this thread
     */
    public SimulatedHaproxy.Builder config(Path file) {
        scope();
        return config(ConfigSources.file(file));
    }

    /**
     * Prepares a simulated run of a parsed config.
     *
     * @param config the config; never null
     * @return the setup of the run, not started
     * @throws NullPointerException  if {@code config} is null
     * @throws IllegalStateException if no test of this extension is running on this thread
     */
    public SimulatedHaproxy.Builder config(HaproxyConfig config) {
        Objects.requireNonNull(config, "config");
        scope();
        return new SimulatedHaproxy.Builder(config, this::register);
    }

    /**
     * Prepares a simulated run of inline haproxy.cfg text, e.g. a text block. Config errors name the file
     * {@code inline.cfg}.
     *
     * @param haproxyCfg the config text; never null
     * @return the setup of the run, not started
     * @throws NullPointerException  if {@code haproxyCfg} is null
     * @throws ConfigException       if the text is invalid
     * @throws IllegalStateException if no test of this extension is running on this thread
     */
    public SimulatedHaproxy.Builder configText(String haproxyCfg) {
        scope();
        return config(ConfigSources.text(haproxyCfg));
    }

    /**
     * Starts live checks of the config in the classpath resource or file {@code resourceOrFile}, found as by
     * {@link #config(String)}. The servers' addresses must be reachable: use loopback servers on fixed ports,
     * or {@link #liveText(String)} to put a port chosen at run time in the config.
     *
     * @param resourceOrFile e.g. {@code live.cfg} in {@code src/test/resources}; never null
     * @return the running checks, closed after the test
     * @throws NullPointerException     if {@code resourceOrFile} is null
     * @throws IllegalArgumentException if neither a resource nor a file has that name
     * @throws ConfigException          if the config is invalid, or a server address cannot be resolved
     * @throws UncheckedIOException     if the resource cannot be read
     * @throws IllegalStateException    if no test of this extension is running on this thread
     */
    public LiveHaproxy live(String resourceOrFile) {
        return live(ConfigSources.resourceOrFile(resourceOrFile, scope().classLoader));
    }

    /**
     * Starts live checks of the config file at {@code file}.
     *
     * @param file the haproxy.cfg; never null
     * @return the running checks, closed after the test
     * @throws NullPointerException  if {@code file} is null
     * @throws ConfigException       if the file cannot be read or is invalid, or a server address cannot be
     *                               resolved
     * @throws IllegalStateException if no test of this extension is running on this thread
     */
    public LiveHaproxy live(Path file) {
        scope();
        return live(ConfigSources.file(file));
    }

    /**
     * Starts live checks of a parsed config.
     *
     * @param config the config; never null
     * @return the running checks, closed after the test
     * @throws NullPointerException  if {@code config} is null
     * @throws ConfigException       if a server address cannot be resolved
     * @throws IllegalStateException if no test of this extension is running on this thread
     */
    public LiveHaproxy live(HaproxyConfig config) {
        Objects.requireNonNull(config, "config");
        Scope scope = scope();
        return scope.add(new LiveHaproxy(config));
    }

    /**
     * Starts live checks of inline haproxy.cfg text, e.g. a text block formatted with a backend's port.
     * Config errors name the file {@code inline.cfg}.
     *
     * @param haproxyCfg the config text; never null
     * @return the running checks, closed after the test
     * @throws NullPointerException  if {@code haproxyCfg} is null
     * @throws ConfigException       if the text is invalid, or a server address cannot be resolved
     * @throws IllegalStateException if no test of this extension is running on this thread
     */
    public LiveHaproxy liveText(String haproxyCfg) {
        scope();
        return live(ConfigSources.text(haproxyCfg));
    }

    /**
     * Opens the class scope: what {@code @BeforeAll} methods start lives until {@link #afterAll}. Called by
     * JUnit.
     *
     * @param context the class's context; never null
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        open(context, "class " + context.getDisplayName());
    }

    /**
     * Opens the test's scope. Called by JUnit before the test's {@code @BeforeEach} methods.
     *
     * @param context the test's context; never null
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        open(context, "test " + context.getDisplayName());
    }

    /**
     * Closes what the test started, newest first. Called by JUnit after the test's {@code @AfterEach} methods.
     *
     * @param context the test's context; never null
     * @throws Exception the first exception a close threw, the others suppressed in it
     */
    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        close(context);
    }

    /**
     * Closes what {@code @BeforeAll} methods started, newest first. Called by JUnit.
     *
     * @param context the class's context; never null
     * @throws Exception the first exception a close threw, the others suppressed in it
     */
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close(context);
    }

    /**
     * Tells whether a parameter is a {@code HaprobeExtension}. Called by JUnit.
     *
     * @param parameter the parameter; never null
     * @param context   the context; never null
     * @return true for a parameter of type {@code HaprobeExtension}
     */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == HaprobeExtension.class;
    }

    /**
     * Returns this extension for a {@code HaprobeExtension} parameter. Called by JUnit.
     *
     * @param parameter the parameter; never null
     * @param context   the context; never null
     * @return this extension
     */
    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return this;
    }

    private void open(ExtensionContext context, String owner) {
        ClassLoader loader = context.getTestClass().map(Class::getClassLoader)
                .orElseGet(() -> Thread.currentThread().getContextClassLoader());
        Scope scope = new Scope(current.get(), owner, loader);
        context.getStore(NAMESPACE).put(Scope.class, scope);
        current.set(scope);
    }

    /** Closes the scope {@code context} opened; nothing if it opened none (an earlier extension failed). */
    private void close(ExtensionContext context) throws Exception {
        Scope scope = context.getStore(NAMESPACE).remove(Scope.class, Scope.class);
        if (scope == null) {
            return;
        }
        if (scope.parent == null) {
            current.remove();
        } else {
            current.set(scope.parent);
        }
        scope.close();
    }

    private Scope scope() {
        Scope scope = current.get();
        if (scope == null) {
            throw new IllegalStateException("no test of this HaprobeExtension is running on thread "
                    + Thread.currentThread().getName() + " (expected: a call from a test, @BeforeEach or "
                    + "@BeforeAll method of a class that registers the extension with @RegisterExtension or "
                    + "@ExtendWith)");
        }
        return scope;
    }

    private SimulatedHaproxy register(SimulatedHaproxy simulation) {
        Scope scope;
        try {
            scope = scope();
        } catch (IllegalStateException e) {
            simulation.close();
            throw e;
        }
        return scope.add(simulation);
    }

    /** The resources of one test, or of one class's {@code @BeforeAll}; closed together, newest first. */
    private static final class Scope {

        final Scope parent;
        final String owner;
        final ClassLoader classLoader;
        private final Deque<AutoCloseable> resources = new ArrayDeque<>();
        private boolean closed;

        Scope(Scope parent, String owner, ClassLoader classLoader) {
            this.parent = parent;
            this.owner = owner;
            this.classLoader = classLoader;
        }

        synchronized <T extends AutoCloseable> T add(T resource) {
            if (closed) {
                closeQuietly(resource);
                throw new IllegalStateException(owner + " has ended (expected: a call while it runs)");
            }
            resources.push(resource);
            return resource;
        }

        synchronized void close() throws Exception {
            closed = true;
            Exception first = null;
            while (!resources.isEmpty()) {
                try {
                    resources.pop().close();
                } catch (Exception e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }

        private static void closeQuietly(AutoCloseable resource) {
            try {
                resource.close();
            } catch (Exception e) {
                // the caller's IllegalStateException says what went wrong; a failing close adds nothing to it
            }
        }
    }
}
