package io.haprobe.internal;

import io.haprobe.CheckOutcome;
import io.haprobe.check.AgentReply;
import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckVerdict;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.fuzz.FuzzReport;
import io.haprobe.fuzz.Labels;
import io.haprobe.fuzz.MutationFuzzer;
import io.haprobe.time.VirtualScheduler;
import io.haprobe.transport.CheckTarget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.EmptyByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fuzzes what a server can send to a check (docs/fuzzing.md): arbitrary bytes, cut at arbitrary points into
 * several reads, followed by a FIN, a reset, the deadline or nothing, for every kind of check (HTTP with each kind
 * of expect, tcp-check, the protocol checks, the agent). Each input is played twice:
 * <ol>
 *   <li>on the interpreter alone ({@link CheckSession}): no exception, and a verdict once the deadline passes;</li>
 *   <li>through {@link CheckRun} on embedded channels, each read a {@link ByteBuf} of another kind (heap, direct,
 *       pooled, offset, composite): exactly one report, the same verdict as the interpreter alone, every
 *       connection closed and every buffer released (the leak detector is PARANOID besides).</li>
 * </ol>
 * The agent's reply parser ({@link AgentReply#parse}) gets each input's first line too.
 */
class CheckResponseFuzzTest {

    /** The default budget; {@code -Dfuzz.seconds} overrides it. */
    private static final double SECONDS = 5;
    private static final long INTER = 2_000_000_000L;
    private static final CheckTarget TARGET = new CheckTarget("b", "s", new InetSocketAddress("10.0.0.1", 80), null);
    private static final List<String> CHECKS = List.of(
            "option httpchk GET /health",
            "option httpchk HEAD /\n    http-check expect status 200-399",
            "option httpchk\n    http-check expect rstatus ^(2|3)\n    http-check expect ! rstring (a|b)*c",
            "option httpchk\n    http-check expect string ok",
            "option httpchk\n    http-check expect ! string error comment \"no error\"",
            "option httpchk\n    http-check expect hdr name x-a value -m reg (a|b)*c\n    http-check disable-on-404",
            "option httpchk\n    http-check expect fhdr name x-a value -m sub b\n"
                    + "    http-check expect hdr name content-type value -m beg text",
            "option httpchk\n    http-check expect hdr name -m str x-b",
            "option httpchk\n    http-check expect status 200 on-success \"ok %%\" on-error \"ko\" "
                    + "error-status L7OKC tout-status L6TOUT",
            "option httpchk\n    http-check connect\n    http-check send meth GET uri /a\n"
                    + "    http-check expect status 200\n    http-check connect port 8080\n"
                    + "    http-check send meth GET uri /b\n    http-check expect string ok",
            "option tcp-check",
            "option tcp-check\n    tcp-check send PING\\r\\n\n    tcp-check expect string +PONG\n"
                    + "    tcp-check expect ! rbinary (41|42)*43\n    tcp-check expect min-recv 4 binary 0a0b",
            "option tcp-check\n    tcp-check connect port 9001\n    tcp-check expect rstring ^220\n"
                    + "    tcp-check send QUIT\\r\\n\n    tcp-check expect string 221 comment bye\n"
                    + "    tcp-check connect port 9002 linger\n    tcp-check expect min-recv 2 string OK "
                    + "ok-status L7OKC error-status L7OKC",
            "option tcp-check\n    tcp-check expect ! string -ERR\n    tcp-check expect status-code int(201) "
                    + "rstring ^\\\\+OK",
            "option ssl-hello-chk",
            "option redis-check",
            "option smtpchk EHLO me",
            "option mysql-check user haproxy",
            "option mysql-check",
            "option pgsql-check user haproxy",
            "option ldap-check");
    private static final List<String> SEEDS = List.of(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nx-a: ab\r\ncontent-type: text/plain\r\n\r\nok",
            "HTTP/1.0 404 Not Found\r\nx-b: 1\r\n\r\n",
            "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\nerror",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;ext=1\r\nok\r\n0\r\nTrailer: t\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab",
            "HTTP/1.1 301 Moved\nLocation: /x\n\n",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
            "HTTP/1.1 200\r\nContent-Length: 99999999999999999999\r\nContent-Length: 1\r\n\r\nab",
            "HTTP/1.1 200 OK\r\n folded: a\r\n\tb\r\nx-a:c\r\n\r\n",
            "HTTP/2 200\r\n\r\n",
            "+PONG\r\n", "-ERR unknown\r\n", "+OK\r\n", "ABC\n\n\013",
            "220 smtp.example ESMTP\r\n250-smtp.example\r\n250 PIPELINING\r\n221 bye\r\n", "554 no\r\n",
            "up 50%\n", "down #maint\n", "drain\n", "maint\n", "ready 75% maxconn:10\n", "stopped\n", "fail #x\n",
            "100%\r\n", "up\0down\n", "\n", "");
    private static final List<String> HEX_SEEDS = List.of(
            "0f0000000a352e372e39392d66616b65000700",
            "1a000000ff6a04486f73742027782720697320",
            "23000002ff150423323830303041636365737320",
            "520000000800000000", "45000000305346415441", "520000000800000001",
            "300c02010161070a010004000400", "300c02010161070a013104000400", "3084000000100201016184000000070a0100040004",
            "160301002a0200002603", "150301000202", "ffffffff",
            // found by this fuzzer: a lone LDAP message tag, a MySQL packet of length 0 (array index out of bounds)
            "30", "00000000");
    private static final List<String> TOKENS = List.of("HTTP/1.1 ", "HTTP/1.0 ", "HTTP/1.", "200", "204", "301",
            "404", "503", "999", "0", " OK", "\r\n", "\n", "\r", "\r\n\r\n", ":", ": ", " ", "\t", "\0",
            "Content-Length: ", "content-length:", "Transfer-Encoding: chunked", "transfer-encoding: gzip, chunked",
            "Connection: close", "x-a: ", "x-a: ab", "content-type: text/html", "0\r\n\r\n", "1\r\na\r\n",
            "ffffffff", "fffffffffffffffff", ";", "=", "\"", "up", "down", "drain", "maint", "ready", "stopped", "fail",
            "#", "%", "50%", "101%", "-1%", "maxconn:", "+PONG", "-ERR", "220 ", "250-", "250 ", "221 ", "\u0016\u0003",
            "\u00ff", "\u0080", "\u00c3\u00a9");

    @Test
    void anyServerBytesInAnyPiecesGiveOneVerdictAndLeakNothing() {
        List<CheckProgram> programs = programs();
        List<byte[]> seeds = new ArrayList<>();
        SEEDS.forEach(seed -> seeds.add(seed.getBytes(StandardCharsets.ISO_8859_1)));
        HEX_SEEDS.forEach(seed -> seeds.add(HexFormat.of().parseHex(seed)));
        FuzzReport report = MutationFuzzer.builder("check response judge",
                        (input, random) -> play(programs, input, random))
                .seeds(seeds)
                .dictionary(TOKENS)
                .seconds(SECONDS)
                .maxInputBytes(24 * 1024)
                .build()
                .run();
        report.assertNoCrash();
    }

    private static String play(List<CheckProgram> programs, byte[] input, SplittableRandom random) {
        int programIndex = random.nextInt(programs.size());
        CheckProgram program = programs.get(programIndex);
        List<Event> events = events(input, random);
        String firstLine = new String(input, StandardCharsets.ISO_8859_1).split("\n", 2)[0];
        AgentReply.parse(firstLine).verdict();

        CheckVerdict alone = playAlone(program, events);
        List<CheckOutcome> report = playOverChannels(program, events, random);
        List<CheckOutcome> expected = alone.earlier() == null ? List.of(alone.toOutcome(0))
                : List.of(alone.earlier().toOutcome(0), alone.toOutcome(0));
        List<CheckOutcome> reported = report.stream().map(o -> new CheckOutcome(o.status(), o.code(), o.info(), 0))
                .toList();
        if (!reported.equals(expected)) {
            throw new AssertionError("CheckRun reported " + report + " where the interpreter alone gave " + alone);
        }
        return "check " + programIndex + ": " + alone.status() + " " + Labels.of(alone.info());
    }

    /** The interpreter alone: a pending connection is established before each event, the deadline ends it. */
    private static CheckVerdict playAlone(CheckProgram program, List<Event> events) {
        CheckSession session = new CheckSession(program, 1_700_000_000L);
        CheckVerdict verdict = session.connected(bytes -> { });
        for (int i = 0; i < events.size() && verdict == null; i++) {
            if (session.pendingConnect() != null) {
                verdict = session.connected(bytes -> { });
                if (verdict != null) {
                    break;
                }
            }
            Event event = events.get(i);
            verdict = switch (event.kind) {
                case DATA -> session.received(event.bytes, 0, event.bytes.length);
                case FIN -> session.peerClosed();
                case RESET -> session.failed(ErrnoText.of(new IOException("Connection reset by peer")));
                case DEADLINE -> session.timedOut();
            };
        }
        if (verdict == null) {
            verdict = session.timedOut();
        }
        if (verdict == null) {
            throw new AssertionError("no verdict once the deadline passed");
        }
        return verdict;
    }

    /** The same events through CheckRun over embedded channels, each read a buffer of another kind. */
    private static List<CheckOutcome> playOverChannels(CheckProgram program, List<Event> events,
                                                       SplittableRandom random) {
        VirtualScheduler clock = new VirtualScheduler();
        EmbeddedTransport transport = new EmbeddedTransport(clock);
        List<List<CheckOutcome>> reports = new ArrayList<>();
        List<ByteBuf> fed = new ArrayList<>();
        try {
            new CheckRun(program, clock, INTER, 0, 0, reports::add).start(transport, TARGET);
            transport.last().accept();
            for (int i = 0; i < events.size() && reports.isEmpty(); i++) {
                EmbeddedTransport.Connection connection = transport.last();
                if (!connection.isActive()) {
                    connection.accept();
                    if (!reports.isEmpty()) {
                        break;
                    }
                }
                Event event = events.get(i);
                switch (event.kind) {
                    case DATA -> {
                        ByteBuf buf = buffer(event.bytes, random);
                        fed.add(buf);
                        connection.writeInbound(buf);
                    }
                    case FIN -> connection.peerFin();
                    case RESET -> {
                        connection.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
                        connection.runPendingTasks();
                    }
                    case DEADLINE -> clock.runFor(INTER);
                }
            }
            for (int i = 0; i < 2 && reports.isEmpty(); i++) {
                clock.runFor(INTER);
            }
            if (reports.size() != 1) {
                throw new AssertionError("CheckRun reported " + reports.size() + " times: " + reports);
            }
            for (EmbeddedTransport.Connection connection : transport.connections()) {
                if (connection.isOpen()) {
                    throw new AssertionError("a connection is left open after the report " + reports.get(0));
                }
            }
            for (ByteBuf buf : fed) {
                // Unpooled's shared empty buffer cannot be released: its count stays 1
                if (buf.refCnt() != 0 && !(buf instanceof EmptyByteBuf)) {
                    throw new AssertionError("a read buffer was not released: " + buf);
                }
            }
            return reports.get(0);
        } finally {
            transport.releaseAll();
            for (ByteBuf buf : fed) {
                if (buf.refCnt() > 0) {
                    buf.release(buf.refCnt());
                }
            }
        }
    }

    /** Cuts the input into one to eight reads, then a FIN, a reset, the deadline or nothing. */
    private static List<Event> events(byte[] input, SplittableRandom random) {
        int pieces = 1 + random.nextInt(8);
        int[] cuts = new int[pieces + 1];
        for (int i = 1; i < pieces; i++) {
            cuts[i] = random.nextInt(input.length + 1);
        }
        cuts[pieces] = input.length;
        Arrays.sort(cuts);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < pieces; i++) {
            if (cuts[i + 1] > cuts[i] || random.nextInt(4) == 0) {
                events.add(new Event(Kind.DATA, Arrays.copyOfRange(input, cuts[i], cuts[i + 1])));
            }
        }
        int end = random.nextInt(8);
        if (end < Kind.values().length - 1) {
            events.add(new Event(Kind.values()[end + 1], null));
        }
        return events;
    }

    /** The bytes in a buffer of a random kind: unpooled heap or direct, pooled, at an offset, or composite. */
    private static ByteBuf buffer(byte[] bytes, SplittableRandom random) {
        switch (random.nextInt(6)) {
            case 0:
                return Unpooled.wrappedBuffer(bytes);
            case 1:
                return Unpooled.directBuffer(bytes.length + 1).writeBytes(bytes);
            case 2:
                return PooledByteBufAllocator.DEFAULT.heapBuffer(bytes.length + 1).writeBytes(bytes);
            case 3:
                return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length + 1).writeBytes(bytes);
            case 4: {
                ByteBuf buf = Unpooled.buffer(bytes.length + 7).writeBytes(new byte[7]).writeBytes(bytes);
                return buf.skipBytes(7);
            }
            default: {
                int half = bytes.length / 2;
                CompositeByteBuf composite = Unpooled.compositeBuffer();
                composite.addComponent(true, Unpooled.copiedBuffer(bytes, 0, half));
                composite.addComponent(true, Unpooled.directBuffer(bytes.length - half + 1)
                        .writeBytes(bytes, half, bytes.length - half));
                return composite;
            }
        }
    }

    private static List<CheckProgram> programs() {
        List<CheckProgram> programs = new ArrayList<>();
        for (String check : CHECKS) {
            HaproxyConfig config = HaproxyConfig.parse("fuzz.cfg", "backend b\n    " + check
                    + "\n    server s 10.0.0.1:80 check\n");
            programs.add(CheckProgram.compile(config.proxy("b").orElseThrow()));
        }
        programs.add(CheckProgram.agent(5555, null, "ping\n".getBytes(StandardCharsets.US_ASCII)));
        programs.add(CheckProgram.agent(5555, null, null));
        return programs;
    }

    private enum Kind { DATA, FIN, RESET, DEADLINE }

    private record Event(Kind kind, byte[] bytes) {
    }
}
