package io.haprobe.benchmarks;

import io.haprobe.check.CheckVerdict;
import io.haprobe.check.HttpRequestEncoder;
import io.haprobe.check.HttpResponseJudge;
import io.haprobe.config.HttpCheckRule;
import io.haprobe.config.HttpExpect;
import io.haprobe.config.HttpSend;
import io.haprobe.config.ProxyConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The two halves of an HTTP check's own work, outside any I/O.
 *
 * <ul>
 *   <li>{@link #judge(Response)}: parse one complete response and apply the backend's {@code http-check expect}
 *       rules, with {@link HttpResponseJudge#judge(byte[], int, boolean)}. This runs for every read of every
 *       HTTP check of every server, so it is the hot path of the checker; the scenarios are the rule kinds
 *       real configurations use.</li>
 *   <li>{@link #encodeRequest(Request)}: serialize the check request with {@link HttpRequestEncoder#encode}.
 *       {@link io.haprobe.check.CheckProgram#compile} does it once per backend, not per check; it is measured
 *       so that a regression there shows before it matters for large configurations.</li>
 * </ul>
 *
 * <p>Judges and requests are built the way {@code CheckProgram.compile} builds them, from a parsed
 * configuration; the setup fails if a scenario's response does not pass its rules.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HttpCheckBenchmark {

    /**
     * Judges the scenario's whole response, received in one read.
     *
     * @param response the scenario
     * @return the verdict, {@code L7OK}
     */
    @Benchmark
    public CheckVerdict judge(Response response) {
        return response.judge.judge(response.bytes, response.bytes.length, false);
    }

    /**
     * Encodes {@code GET /health HTTP/1.1} with a Host and a User-Agent header.
     *
     * @param request the parsed request
     * @return the bytes on the wire
     */
    @Benchmark
    public byte[] encodeRequest(Request request) {
        return HttpRequestEncoder.encode(request.send);
    }

    /**
     * One response and the rules judging it.
     *
     * <table>
     *   <caption>Scenarios</caption>
     *   <tr><th>scenario</th><th>rule</th><th>response</th></tr>
     *   <tr><td>{@code status200}</td><td>{@code expect status 200}</td><td>200, three headers, a 15-byte
     *       JSON body with Content-Length</td></tr>
     *   <tr><td>{@code default204}</td><td>none: HAProxy's implicit {@code status 200-399}</td>
     *       <td>204, no header</td></tr>
     *   <tr><td>{@code rstatus}</td><td>{@code expect rstatus (2|3)[0-9][0-9]}</td><td>as {@code status200}</td></tr>
     *   <tr><td>{@code string}</td><td>{@code expect string UP}</td><td>as {@code status200}</td></tr>
     *   <tr><td>{@code chunkedString}</td><td>{@code expect string UP}</td><td>the same JSON body as one
     *       chunk and the last chunk</td></tr>
     * </table>
     *
     * <p>Shared by the benchmark threads: it is read only.
     */
    @State(Scope.Benchmark)
    public static class Response {

        /** The scenario, one of the table's names. */
        @Param({"status200", "default204", "rstatus", "string", "chunkedString"})
        public String scenario;

        HttpResponseJudge judge;
        byte[] bytes;

        /**
         * Parses the scenario's configuration, compiles its judge and checks that the response passes.
         *
         * @throws IllegalArgumentException if the scenario is unknown
         * @throws IllegalStateException    if the response does not pass its rules
         */
        @Setup
        public void setUp() {
            String expect;
            int code = 200;
            switch (scenario) {
                case "status200" -> {
                    expect = "    http-check expect status 200\n";
                    bytes = Fixtures.OK_JSON;
                }
                case "default204" -> {
                    expect = "";
                    bytes = Fixtures.NO_CONTENT;
                    code = 204;
                }
                case "rstatus" -> {
                    expect = "    http-check expect rstatus (2|3)[0-9][0-9]\n";
                    bytes = Fixtures.OK_JSON;
                }
                case "string" -> {
                    expect = "    http-check expect string UP\n";
                    bytes = Fixtures.OK_JSON;
                }
                case "chunkedString" -> {
                    expect = "    http-check expect string UP\n";
                    bytes = Fixtures.OK_JSON_CHUNKED;
                }
                default -> throw new IllegalArgumentException("scenario: " + scenario
                        + " (expected: status200, default204, rstatus, string or chunkedString)");
            }
            ProxyConfig backend = Fixtures.httpBackend(expect);
            List<HttpExpect> expects = new ArrayList<>();
            String method = null;
            for (HttpCheckRule rule : backend.httpCheckRules()) {
                if (rule instanceof HttpSend send) {
                    method = send.method();
                } else if (rule instanceof HttpExpect e) {
                    expects.add(e);
                }
            }
            judge = HttpResponseJudge.of(expects, method);
            Fixtures.requirePass(judge.judge(bytes, bytes.length, false), code, scenario);
        }
    }

    /**
     * The request of {@link Fixtures#REQUEST_LINES}, parsed. Shared by the benchmark threads: it is read only.
     */
    @State(Scope.Benchmark)
    public static class Request {

        HttpSend send;

        /** Parses the request from a backend section. */
        @Setup
        public void setUp() {
            send = (HttpSend) Fixtures.httpBackend("").httpCheckRules().get(0);
        }
    }
}
