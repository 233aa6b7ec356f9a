package io.haprobe.live;

import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.testkit.LoopbackBackends;
import io.haprobe.testkit.RecordedConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The lifecycle every live test shares: at most one strict {@link LoopbackBackends} and one {@link LiveEngine} per
 * test, both closed after it (the engine first, so that it stops connecting before the backends check that the
 * checker left no connection open and sent nothing the scripts do not expect).
 */
@Tag("live")
abstract class LiveTest {

    /** The server every config of {@link LiveConfigs#appBackend} checks. */
    static final String SERVER = "app_backend/web01";

    /** The scripted backends of the test; set by {@link #serve}, closed after it. */
    LoopbackBackends backends;
    /** The engine of the test; set by the test, closed after it. */
    LiveEngine engine;

    @AfterEach
    void closeEverything() {
        if (engine != null) {
            engine.close();
        }
        if (backends != null) {
            backends.close();
        }
    }

    /**
     * Starts strict backends where {@link #SERVER} plays {@code behaviour}.
     *
     * @param behaviour what every connection plays
     * @return the server's port
     */
    int serve(Behaviour behaviour) {
        return serve(Map.of(SERVER, behaviour)).port(SERVER);
    }

    /**
     * Starts strict backends, one server per entry.
     *
     * @param servers {@code backend/server} to what every connection to it plays
     * @return the backends, also in {@link #backends}
     */
    LoopbackBackends serve(Map<String, Behaviour> servers) {
        LoopbackBackends.Builder builder = LoopbackBackends.builder();
        new LinkedHashMap<>(servers).forEach((id, behaviour) -> builder.script(id, ServerScript.of(behaviour)));
        backends = builder.bind();
        backends.start();
        return backends;
    }

    /**
     * Waits for the next connection to {@link #SERVER} to end.
     *
     * @return its record
     */
    RecordedConnection takeConnection() throws InterruptedException {
        return backends.takeConnection(SERVER, LiveEngine.AT_MOST);
    }
}
