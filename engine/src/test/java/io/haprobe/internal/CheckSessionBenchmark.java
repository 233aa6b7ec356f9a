package io.haprobe.internal;

import io.haprobe.CheckStatus;
import io.haprobe.check.CheckProgram;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.check.CheckVerdict;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;
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
 * and the judge. The difference with {@code HttpCheckBenchmark.judge} (benchmarks module) ({@code status200}) is the
 * interpreter's own overhead.
 *
 * <p>Per-thread state, as a session is confined to the thread of its connection. It lives in the engine's
 * tests because {@link CheckSession} is internal; benchmarks/README.md says how to run it.
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
        program = CheckProgram.compile(HaproxyConfig.parse("bench.cfg", "backend b\n"
                + "    option httpchk GET /health HTTP/1.1\n"
                + "    http-check send hdr Host example.com hdr User-Agent haprobe\n"
                + "    http-check expect status 200\n"
                + "    server s1 127.0.0.1:8080 check\n").proxy("b").orElseThrow());
        response = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
                + "{\"status\":\"UP\"}").getBytes(StandardCharsets.US_ASCII);
        wire = bytes -> sentBytes += bytes.length;
        CheckVerdict verdict = run();
        if (verdict == null || verdict.status() != CheckStatus.L7OK || verdict.code() != 200) {
            // no benchmark may measure a failure path instead of the one it names
            throw new IllegalStateException("check session: " + verdict + " (expected: L7OK 200)");
        }
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
