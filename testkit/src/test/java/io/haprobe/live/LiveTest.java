package io.haprobe.live;

import org.junit.jupiter.api.AfterEach;

/**
 * The lifecycle every live test shares: at most one {@link ScriptedBackend} and one {@link LiveEngine} per
 * test, both closed after it (the engine first, so that it stops connecting before the backend checks for
 * leftover connections).
 */
abstract class LiveTest {

    /** The scripted backend of the test; set by the test, closed after it. */
    ScriptedBackend backend;
    /** The engine of the test; set by the test, closed after it. */
    LiveEngine engine;

    @AfterEach
    void closeEverything() {
        if (engine != null) {
            engine.close();
        }
        if (backend != null) {
            backend.close();
        }
    }
}
