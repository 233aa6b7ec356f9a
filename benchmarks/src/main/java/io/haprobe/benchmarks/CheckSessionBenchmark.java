package io.haprobe.benchmarks;

import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckVerdict;
import io.haprobe.internal.CheckSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One whole HTTP check in the interpreter, without Netty: a new {@link CheckSession} for a compiled
 * {@code option httpchk GET /health} + {@code http-check expect status 200} program,
 * {@link CheckSession#connected(Consumer)} (which hands over the request bytes) and
 * {@link CheckSession#received(byte[], int, int)} of the whole 200 JSON response in one read, to the
 * {@code L7OK} verdict.
 *
 * <p>It measures what one check costs the event loop beyond the socket: the session, its response buffer
 * and the judge. The difference with {@link HttpCheckBenchmark#judge} ({@code status200}) is the
 * interpreter's own overhead.
 *
 * <p>Per-thread state, as a session is confined to the thread of its connection.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CheckSessionBenchmark {

    private CheckProgram program;
    private byte[] response;
    private Consumer<byte[]> wire;
    private int sentBytes;

    /** Compiles the program from a parsed backend and checks that the response passes it. */
    @Setup
    public void setUp() {
        program = CheckProgram.compile(Fixtures.httpBackend("    http-check expect status 200\n"));
        response = Fixtures.OK_JSON;
        wire = bytes -> sentBytes += bytes.length;
        Fixtures.requirePass(run(), 200, "check session");
    }

    /**
     * Runs one check from connect to verdict.
     *
     * @return the verdict, {@code L7OK} 200
     */
    @Benchmark
    public CheckVerdict run() {
        CheckSession session = new CheckSession(program);
        session.connected(wire);
        return session.received(response, 0, response.length);
    }
}
