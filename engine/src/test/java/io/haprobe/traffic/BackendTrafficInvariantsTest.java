package io.haprobe.traffic;

import io.haprobe.ServerState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random event sequences (seeded) against the request model: whatever happens, its counts agree with its streams,
 * every decision matches its stream's phase, and once the servers are up and the traffic stops, every stream ends
 * and every slot is free.
 */
class BackendTrafficInvariantsTest {

    static final long MS = 1_000_000L;

    static final String CONFIG = "    timeout queue 2s\n    retries 2\n    option redispatch\n    cookie SRV insert\n"
            + "    server s1 127.0.0.1:8001 maxconn 2 maxqueue 3 cookie a slowstart 3s\n"
            + "    server s2 127.0.0.1:8002 minconn 1 maxconn 3 cookie b on-marked-down shutdown-sessions\n"
            + "    server s3 127.0.0.1:8003 cookie c\n"
            + "    server b1 127.0.0.1:8004 backup maxconn 1 cookie d\n";

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void countsAgreeWithStreamsWhateverHappens(long seed) {
        for (String extra : List.of("", "    option persist\n", "    no option redispatch\n")) {
            run(seed, BackendTrafficTest.backend(CONFIG + extra, AlgorithmTraits.ROUND_ROBIN, 20));
            run(seed, BackendTrafficTest.backend(CONFIG + extra, AlgorithmTraits.of("uri", false), 20));
        }
    }

    private BackendTraffic model;

    private void run(long seed, BackendTraffic be) {
        model = be;
        SplittableRandom random = new SplittableRandom(seed);
        Set<Stream> live = new LinkedHashSet<>();
        long[] ended = {0};
        long now = 0;
        for (int step = 0; step < 3000; step++) {
            now += random.nextInt(50) * MS;
            act(be, random, live, ended, now);
            check(be, live, ended[0]);
        }
        // the end: every server up and ready, then let everything finish
        for (ServerTraffic s : be.servers()) {
            apply(be.serverChanged(s, ServerState.UP, false, false, s.userWeight() == 0 ? 1 : s.userWeight(), now),
                    live, ended);
        }
        for (int round = 0; round < 10_000 && !live.isEmpty(); round++) {
            now += 100 * MS;
            for (Stream s : new ArrayList<>(live)) {
                if (!live.contains(s)) {
                    continue;
                }
                switch (s.phase()) {
                    case CONNECTING -> be.connected(s, now);
                    case CONNECTED -> apply(be.responded(s, 200, now), be, live, ended);
                    case QUEUED -> {
                        if (now >= s.queueDeadlineNanos()) {
                            apply(be.queueExpired(s, now), be, live, ended);
                        }
                    }
                    case TURNAROUND -> {
                        if (now >= s.retryAtNanos()) {
                            apply(be.turnaroundExpired(s, now), be, live, ended);
                        }
                    }
                    default -> throw new AssertionError(s);
                }
                check(be, live, ended[0]);
            }
            warmups(be, live, ended, now);
        }
        assertThat(live).isEmpty();
        assertThat(be.currentSessions()).isZero();
        assertThat(be.queueLength()).isZero();
        for (ServerTraffic s : be.servers()) {
            assertThat(s.served()).as(s.name()).isZero();
            assertThat(s.currentSessions()).as(s.name()).isZero();
            assertThat(s.queueLength()).as(s.name()).isZero();
        }
        long total = 0;
        for (Termination t : Termination.values()) {
            total += be.terminations(t);
        }
        assertThat(total).isEqualTo(be.totalSessions()).isEqualTo(ended[0]);
        if (System.getProperty("traffic.debug") != null) {
            StringBuilder b = new StringBuilder(be.name() + " seed " + seed + ":");
            for (Termination t : Termination.values()) {
                b.append(' ').append(t).append('=').append(be.terminations(t));
            }
            System.out.println(b + " wretr=" + be.retries() + " wredis=" + be.redispatches() + " qmax="
                    + be.maxQueueLength());
        }
    }

    private void act(BackendTraffic be, SplittableRandom random, Set<Stream> live, long[] ended, long now) {
        warmups(be, live, ended, now);
        List<Stream> streams = new ArrayList<>(live);
        Stream any = streams.isEmpty() ? null : streams.get(random.nextInt(streams.size()));
        int dice = random.nextInt(100);
        if (dice < 30 || any == null) {
            String[] cookies = {null, "a", "b", "c", "d", "zz"};
            String cookie = cookies[random.nextInt(cookies.length)];
            Request request = cookie == null ? new Request("GET", "/" + random.nextInt(5), java.util.Map.of(), null)
                    : BackendTrafficTest.cookie(cookie);
            apply(be.arrive(request, now), be, live, ended);
        } else if (dice < 85) {
            switch (any.phase()) {
                case CONNECTING -> {
                    if (random.nextInt(4) == 0) {
                        ConnectFailure f = ConnectFailure.values()[random.nextInt(3)];
                        apply(be.connectFailed(any, f, now), be, live, ended);
                    } else {
                        be.connected(any, now);
                    }
                }
                case CONNECTED -> {
                    int r = random.nextInt(10);
                    apply(r < 7 ? be.responded(any, 200 + random.nextInt(4) * 100, now)
                            : r < 8 ? be.serverTimedOut(any, now) : r < 9 ? be.serverClosed(any, now)
                            : be.clientAborted(any, now), be, live, ended);
                }
                case QUEUED -> apply(random.nextInt(5) == 0 ? be.clientAborted(any, now)
                        : be.queueExpired(any, now), be, live, ended);
                case TURNAROUND -> apply(be.turnaroundExpired(any, now), be, live, ended);
                default -> throw new AssertionError(any);
            }
        } else {
            ServerTraffic s = be.servers().get(random.nextInt(be.servers().size()));
            ServerState[] states = {ServerState.DOWN, ServerState.UP, ServerState.NOLB};
            apply(be.serverChanged(s, states[random.nextInt(3)], random.nextInt(6) == 0, random.nextInt(6) == 0,
                    random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(3), now), live, ended);
        }
    }

    private void warmups(BackendTraffic be, Set<Stream> live, long[] ended, long now) {
        for (ServerTraffic s : be.servers()) {
            if (s.nextWarmupNanos() >= 0 && s.nextWarmupNanos() <= now) {
                apply(be.warmup(s, s.nextWarmupNanos()), live, ended);
            }
        }
    }

    private void apply(Transition t, Set<Stream> live, long[] ended) {
        for (Decision d : t.effects()) {
            track(d, live, ended);
        }
    }

    private void apply(Decision d, BackendTraffic be, Set<Stream> live, long[] ended) {
        for (Decision effect : be.effects()) {
            track(effect, live, ended);
        }
        if (d != null) {
            track(d, live, ended);
        }
    }

    private void track(Decision d, Set<Stream> live, long[] ended) {
        Stream s = d.stream();
        if (d instanceof Decision.Connect c) {
            assertThat(s.phase()).isEqualTo(Stream.Phase.CONNECTING);
            assertThat(s.server()).isSameAs(c.server());
            live.add(s);
        } else if (d instanceof Decision.Queued q) {
            assertThat(s.phase()).isEqualTo(Stream.Phase.QUEUED);
            assertThat(s.server()).isSameAs(q.server());
            live.add(s);
        } else if (d instanceof Decision.Turnaround) {
            assertThat(s.phase()).isEqualTo(Stream.Phase.TURNAROUND);
            live.add(s);
        } else {
            assertThat(s.phase()).isEqualTo(Stream.Phase.DONE);
            live.remove(s);
            ended[0]++;
            if (s.id() % 2 == 0) {
                // half of the ended streams come back as later arrivals
                model.recycle(s);
            }
        }
    }

    private void check(BackendTraffic be, Set<Stream> live, long ended) {
        assertThat(be.currentSessions()).isEqualTo(live.size());
        assertThat(be.totalSessions()).isEqualTo(live.size() + ended);
        int backendQueue = 0;
        for (Stream s : live) {
            assertThat(s.phase()).isNotEqualTo(Stream.Phase.DONE);
            if (s.phase() == Stream.Phase.QUEUED && s.server() == null) {
                backendQueue++;
            }
        }
        assertThat(be.queueLength()).isEqualTo(backendQueue);
        for (ServerTraffic server : be.servers()) {
            int slots = 0;
            int sessions = 0;
            int queued = 0;
            for (Stream s : live) {
                slots += s.slot == server ? 1 : 0;
                sessions += s.currentSession && s.server() == server ? 1 : 0;
                queued += s.phase() == Stream.Phase.QUEUED && s.server() == server ? 1 : 0;
            }
            assertThat(server.served()).as(server.name() + " served").isEqualTo(slots);
            assertThat(server.currentSessions()).as(server.name() + " scur").isEqualTo(sessions);
            assertThat(server.queueLength()).as(server.name() + " qcur").isEqualTo(queued);
        }
    }
}
