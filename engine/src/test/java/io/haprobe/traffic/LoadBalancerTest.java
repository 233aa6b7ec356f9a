package io.haprobe.traffic;

import io.haprobe.config.Balancing;
import io.haprobe.config.Balancing.Algorithm;
import io.haprobe.config.Balancing.Arguments;
import io.haprobe.config.Balancing.HashType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/**
 * What the captures of real HAProxy cannot show deterministically (concurrent connections, {@code maxconn},
 * {@code maxqueue}, redispatch's server to avoid, random draws, bounded loads), checked against the behaviour of
 * HAProxy 2.6's C source: each test names the function it follows.
 */
class LoadBalancerTest {

    private static final Balancing ROUNDROBIN = Balancing.DEFAULT;
    private static final Balancing FIRST = Balancing.DEFAULT.withAlgorithm(Algorithm.FIRST, Arguments.NONE);
    private static final Balancing LEASTCONN = Balancing.DEFAULT.withAlgorithm(Algorithm.LEASTCONN, Arguments.NONE);

    @Test
    void firstFillsTheLowestIdUpToItsMaxconnThenTheNext() {
        // lb_fas.c fas_get_next_server: the first server by id with room (!maxconn || served < dynamic maxconn)
        List<TestServer> servers = servers(1, 1, 1);
        servers.forEach(s -> s.maxConn = 2);
        LoadBalancer lb = LoadBalancer.of(FIRST, servers, false, new SplittableRandom(1));

        assertThat(holdEach(lb, 5)).containsExactly("s1", "s1", "s2", "s2", "s3");
        release(lb, servers.get(0));
        assertThat(name(lb.pick(Request.ROOT, null))).isEqualTo("s1");
    }

    @Test
    void firstReturnsNothingWhenEveryServerIsFullSoTheRequestQueues() {
        List<TestServer> servers = servers(1, 1);
        servers.forEach(s -> s.maxConn = 1);
        LoadBalancer lb = LoadBalancer.of(FIRST, servers, false, new SplittableRandom(1));

        holdEach(lb, 2);

        assertThat(lb.pick(Request.ROOT, null)).isNull();
    }

    @Test
    void leastconnGoesToTheFewestConnectionsPerWeightLatestMoverLast() {
        // lb_fwlc.c: key (inflight + 1) * 4096 / eweight, 0 when idle; s1 weight 2 (eweight 32), s2 weight 1:
        // s1 0->256, s2 0->512, s1 256->384, s1 384->512 (behind s2 at 512), s2
        List<TestServer> servers = servers(2, 1);
        LoadBalancer lb = LoadBalancer.of(LEASTCONN, servers, false, new SplittableRandom(1));

        assertThat(holdEach(lb, 5)).containsExactly("s1", "s2", "s1", "s1", "s2");
    }

    @Test
    void leastconnStillPicksAServerAtMaxconnWhileItsQueueHasRoom() {
        // lb_fwlc.c: room is served + queued < dynamic maxconn + maxqueue, unlike the other algorithms
        List<TestServer> servers = servers(1);
        TestServer s1 = servers.get(0);
        s1.maxConn = 1;
        s1.maxQueue = 1;
        s1.served = 1;
        LoadBalancer lb = LoadBalancer.of(LEASTCONN, servers, false, new SplittableRandom(1));

        assertThat(lb.pick(Request.ROOT, null)).isSameAs(s1);
        s1.queueLength = 1;
        assertThat(lb.pick(Request.ROOT, null)).isNull();
    }

    @Test
    void roundRobinSkipsFullServersAndKeepsTheirTurn() {
        // lb_fwrr.c fwrr_get_next_server: a full server is set aside and requeued as if it had been picked
        List<TestServer> servers = servers(1, 1, 1);
        TestServer s2 = servers.get(1);
        s2.maxConn = 1;
        s2.served = 1;
        LoadBalancer lb = LoadBalancer.of(ROUNDROBIN, servers, false, new SplittableRandom(1));

        assertThat(picks(lb, 4)).containsExactly("s1", "s3", "s1", "s3");
        s2.served = 0;
        lb.released(s2);
        assertThat(picks(lb, 3)).containsExactly("s1", "s2", "s3");
    }

    @Test
    void roundRobinReturnsNothingWhenEveryServerIsFull() {
        List<TestServer> servers = servers(1, 1);
        servers.forEach(s -> {
            s.maxConn = 1;
            s.served = 1;
        });
        LoadBalancer lb = LoadBalancer.of(ROUNDROBIN, servers, false, new SplittableRandom(1));

        assertThat(lb.pick(Request.ROOT, null)).isNull();
    }

    @Test
    void aServerToAvoidIsPassedOverUnlessItIsTheOnlyOneWithRoom() {
        // srvtoavoid in every lookup: the server a redispatched request failed on
        for (Balancing balancing : List.of(ROUNDROBIN, FIRST, LEASTCONN,
                Balancing.DEFAULT.withAlgorithm(Algorithm.STATIC_RR, Arguments.NONE))) {
            List<TestServer> servers = servers(1, 1);
            LoadBalancer lb = LoadBalancer.of(balancing, servers, false, new SplittableRandom(1));
            TestServer s1 = servers.get(0);

            assertThat(lb.pick(Request.ROOT, s1)).as(balancing.balance()).isNotSameAs(s1);
            servers.get(1).up = false;
            lb.update(servers.get(1));
            assertThat(lb.pick(Request.ROOT, s1)).as(balancing.balance()).isSameAs(s1);
        }
    }

    @Test
    void noServerUsableMeansNoPick() {
        List<TestServer> servers = servers(1, 1);
        servers.forEach(s -> s.up = false);

        for (Balancing balancing : List.of(ROUNDROBIN, FIRST, LEASTCONN,
                Balancing.DEFAULT.withAlgorithm(Algorithm.RANDOM, Arguments.random(2)),
                Balancing.DEFAULT.withAlgorithm(Algorithm.SOURCE, Arguments.NONE))) {
            LoadBalancer lb = LoadBalancer.of(balancing, servers, false, new SplittableRandom(1));
            assertThat(lb.pick(Request.ROOT, null)).as(balancing.balance()).isNull();
        }
    }

    @Test
    void aBackendWithoutServersPicksNothing() {
        for (Balancing balancing : List.of(ROUNDROBIN, FIRST, LEASTCONN,
                Balancing.DEFAULT.withAlgorithm(Algorithm.STATIC_RR, Arguments.NONE),
                Balancing.DEFAULT.withAlgorithm(Algorithm.RANDOM, Arguments.random(2)),
                Balancing.DEFAULT.withAlgorithm(Algorithm.URI, Arguments.uri(false, false, 0, 0))
                        .withHashType(HashType.CONSISTENT))) {
            LoadBalancer lb = LoadBalancer.of(balancing, List.of(), false, new SplittableRandom(1));
            assertThat(lb.pick(Request.ROOT, null)).as(balancing.balance()).isNull();
        }
    }

    @Test
    void aWeightOfZeroTakesAServerOutAndBackIn() {
        List<TestServer> servers = servers(1, 1);
        LoadBalancer lb = LoadBalancer.of(ROUNDROBIN, servers, false, new SplittableRandom(1));
        TestServer s1 = servers.get(0);

        s1.eweight = 0;
        lb.update(s1);
        assertThat(picks(lb, 3)).containsExactly("s2", "s2", "s2");

        s1.eweight = 16;
        lb.update(s1);
        assertThat(picks(lb, 4)).containsOnly("s1", "s2").contains("s1");
    }

    @Test
    void randomSpreadsByWeightWithOneDraw() {
        // backend.c get_server_rnd over the chash ring: a random hash, the nearest point. Weights 3:1 give s1
        // three times the points; its exact share is the part of the ring nearest to them
        List<TestServer> servers = servers(3, 1);
        LoadBalancer lb = LoadBalancer.of(Balancing.DEFAULT.withAlgorithm(Algorithm.RANDOM, Arguments.random(1)),
                servers, false, new SplittableRandom(42));

        double share = share(lb, servers.get(0), 40_000);

        assertThat(share).isBetween(0.62, 0.85);
    }

    @Test
    void randomWithTwoDrawsKeepsTheLessLoadedPerWeight() {
        // get_server_rnd: of two different draws, the one with fewer served requests per weight, so a loaded
        // server wins only when both draws land on it: the square of its share with one draw
        List<TestServer> servers = servers(1, 1);
        servers.get(0).served = 50;
        double oneDraw = share(LoadBalancer.of(Balancing.DEFAULT.withAlgorithm(Algorithm.RANDOM,
                Arguments.random(1)), servers, false, new SplittableRandom(7)), servers.get(0), 40_000);

        double twoDraws = share(LoadBalancer.of(Balancing.DEFAULT.withAlgorithm(Algorithm.RANDOM,
                Arguments.random(2)), servers, false, new SplittableRandom(8)), servers.get(0), 40_000);

        assertThat(twoDraws).isCloseTo(oneDraw * oneDraw, offset(0.02));
    }

    @Test
    void randomPretendsThereIsNoServerWhenTheDrawnOneIsFull() {
        List<TestServer> servers = servers(1);
        servers.get(0).queueLength = 1;
        LoadBalancer lb = LoadBalancer.of(Balancing.DEFAULT.withAlgorithm(Algorithm.RANDOM, Arguments.random(2)),
                servers, false, new SplittableRandom(7));

        assertThat(lb.pick(Request.ROOT, null)).isNull();
    }

    @Test
    void sameRandomSeedSamePicks() {
        Balancing random = Balancing.DEFAULT.withAlgorithm(Algorithm.RANDOM, Arguments.random(2));
        LoadBalancer a = LoadBalancer.of(random, servers(1, 2, 3), false, new SplittableRandom(9));
        LoadBalancer b = LoadBalancer.of(random, servers(1, 2, 3), false, new SplittableRandom(9));

        assertThat(picks(a, 50)).isEqualTo(picks(b, 50));
    }

    @Test
    void consistentHashingMovesOnlyTheKeysOfTheServerThatLeft() {
        Balancing source = Balancing.DEFAULT.withAlgorithm(Algorithm.SOURCE, Arguments.NONE)
                .withHashType(HashType.CONSISTENT);
        List<TestServer> servers = servers(1, 1, 1, 1);
        LoadBalancer lb = LoadBalancer.of(source, servers, false, new SplittableRandom(1));
        List<String> before = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            before.add(name(lb.pick(from("10.0." + (i / 250) + "." + (i % 250)), null)));
        }

        servers.get(2).up = false;
        lb.update(servers.get(2));

        for (int i = 1; i <= 200; i++) {
            String now = name(lb.pick(from("10.0." + (i / 250) + "." + (i % 250)), null));
            if (!before.get(i - 1).equals("s3")) {
                assertThat(now).isEqualTo(before.get(i - 1));
            } else {
                assertThat(now).isNotEqualTo("s3");
            }
        }
    }

    @Test
    void boundedLoadsPassOverAServerAboveItsShare() {
        // lb_chash.c chash_server_is_eligible with hash-balance-factor 150: 2 servers, 10 requests served, all on
        // s1: slots = ceil(11 * 1.5) = 17, s1's share 8 or 9 < 10 served, so every key goes to s2
        Balancing uri = new Balancing(Algorithm.URI, Arguments.uri(false, false, 0, 0), HashType.CONSISTENT, 150);
        List<TestServer> servers = servers(1, 1);
        LoadBalancer lb = LoadBalancer.of(uri, servers, false, new SplittableRandom(1));
        TestServer s1 = servers.get(0);
        for (int i = 0; i < 10; i++) {
            s1.served++;
            lb.taken(s1);
        }

        for (int i = 0; i < 30; i++) {
            assertThat(name(lb.pick(new Request("GET", "/" + i, Map.of(), null), null))).isEqualTo("s2");
        }
    }

    @Test
    void hashingWithoutTheKeyFallsBackToRoundRobin() {
        // backend.c assign_server: no header (or no source address) -> map_get_server_rr / chash_get_next_server
        Balancing hdr = Balancing.DEFAULT.withAlgorithm(Algorithm.HDR, Arguments.header("X-User", false));
        LoadBalancer lb = LoadBalancer.of(hdr, servers(1, 1, 1), false, new SplittableRandom(1));

        assertThat(picks(lb, 6)).containsExactly("s1", "s2", "s3", "s1", "s2", "s3");
    }

    @Test
    void mapBasedHashingDividesWeightsByTheirGreatestCommonDivisor() {
        // lb_map.c init_server_map and recalc_server_map: weights 20 and 10 make the map of weights 2 and 1,
        // 3 slots: s1 s1 s2 (the first declared wins ties)
        List<TestServer> servers = servers(20, 10);
        servers.forEach(s -> s.eweight /= 16); // static algorithms see user weights
        LoadBalancer lb = LoadBalancer.of(Balancing.DEFAULT.withAlgorithm(Algorithm.STATIC_RR, Arguments.NONE),
                servers, false, new SplittableRandom(1));

        assertThat(picks(lb, 6)).containsExactly("s1", "s1", "s2", "s1", "s1", "s2");
    }

    @Test
    void refusesWhatItCannotModelAndServersOutOfOrder() {
        assertThatThrownBy(() -> LoadBalancer.of(Balancing.DEFAULT.withAlgorithm(Algorithm.RDP_COOKIE,
                Arguments.named("mstshash")), servers(1), false, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("balance rdp-cookie");
        List<TestServer> reversed = new ArrayList<>(servers(1, 1));
        Collections.reverse(reversed);
        assertThatThrownBy(() -> LoadBalancer.of(ROUNDROBIN, reversed, false, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("servers[0].index(): 1 (expected: 0, servers in declaration order)");
        LoadBalancer lb = LoadBalancer.of(ROUNDROBIN, servers(1), false, new SplittableRandom(1));
        TestServer stranger = servers(1).get(0);
        assertThatThrownBy(() -> lb.update(stranger)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Servers s1, s2, ... with these user weights, in the dynamic scale (16 per unit). */
    static List<TestServer> servers(int... weights) {
        List<TestServer> servers = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            servers.add(new TestServer("s" + (i + 1), i, i + 1, false, weights[i] * 16));
        }
        return servers;
    }

    private static double share(LoadBalancer lb, TestServer server, int picks) {
        int hits = 0;
        for (int i = 0; i < picks; i++) {
            if (lb.pick(Request.ROOT, null) == server) {
                hits++;
            }
        }
        return hits / (double) picks;
    }

    /** Picks {@code n} times, each request keeping its connection. */
    private static List<String> holdEach(LoadBalancer lb, int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestServer s = (TestServer) lb.pick(Request.ROOT, null);
            names.add(name(s));
            if (s != null) {
                s.served++;
                lb.taken(s);
            }
        }
        return names;
    }

    private static void release(LoadBalancer lb, TestServer s) {
        s.served--;
        lb.released(s);
    }

    /** Picks {@code n} times, one request after the other. */
    private static List<String> picks(LoadBalancer lb, int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(name(lb.pick(Request.ROOT, null)));
        }
        return names;
    }

    private static Request from(String address) {
        try {
            return new Request("GET", "/", Map.of(), InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String name(LbServer server) {
        return server == null ? "(none)" : server.toString();
    }
}
