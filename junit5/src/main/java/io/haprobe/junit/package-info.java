/**
 * JUnit 5 support: {@link io.haprobe.junit.HaprobeExtension} runs a haproxy.cfg's health checks inside a test,
 * simulated on virtual time against scripted backends ({@link io.haprobe.junit.SimulatedHaproxy}, with exact
 * assertions on the timeline) or live against real servers ({@link io.haprobe.junit.LiveHaproxy}, with getters
 * for Awaitility), and closes them after the test.
 *
 * <p>JUnit Jupiter is an optional dependency of {@code haprobe-engine}: this package needs
 * {@code junit-jupiter-api} on the class path, which every JUnit 5 test has. Assertion failures are
 * {@link org.opentest4j.AssertionFailedError}s with expected and actual values, so IDEs show a diff.
 */
package io.haprobe.junit;
