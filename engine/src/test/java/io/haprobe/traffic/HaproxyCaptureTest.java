package io.haprobe.traffic;

import io.haprobe.ServerState;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.report.HaproxyLogFormat;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request model against captures of real HAProxy 2.6.12 (resources {@code haproxy-2.6.12/}, see its README):
 * each case is replayed on virtual time with the capture's timings, and the transition line's numbers and the
 * {@code show stat} counters must be HAProxy's.
 */
class HaproxyCaptureTest {

    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;
    static final String DIR = "haproxy-2.6.12/";

    @Test
    void aServerGoingDownWithRedispatchRequeuesItsQueueAsHaproxyDid() throws IOException {
        BackendTraffic be = backend("down-redispatch.cfg");
        List<Stream> onS1 = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Decision d = be.arrive(BackendTrafficTest.cookie("a"), S + i * 100 * MS);
            onS1.add(d.stream());
        }
        be.connected(onS1.get(0), S);

        Transition t = be.serverChanged(be.server("s1"), ServerState.DOWN, false, false, 1, 1800 * MS);
        for (Decision d : t.effects()) {
            be.connected(d.stream(), 1800 * MS);
            be.responded(d.stream(), 200, 1801 * MS);
        }
        be.responded(onS1.get(0), 200, 5 * S);

        assertThat(downLine(t)).isEqualTo(line("down-redispatch.log"));
        assertCounters(be, "down-redispatch.show-stat.csv");
    }

    @Test
    void aServerGoingDownWithoutRedispatchKeepsItsQueueAsHaproxyDid() throws IOException {
        BackendTraffic be = backend("down-keep-queue.cfg");
        Stream first = be.arrive(BackendTrafficTest.cookie("a"), S).stream();
        for (int i = 1; i < 4; i++) {
            be.arrive(BackendTrafficTest.cookie("a"), S + i * 100 * MS);
        }
        be.connected(first, S);

        Transition t = be.serverChanged(be.server("s1"), ServerState.DOWN, false, false, 1, 1800 * MS);

        assertThat(downLine(t)).isEqualTo(line("down-keep-queue.log"));
        assertCounters(be, "down-keep-queue.show-stat.csv");
    }

    @Test
    void aServerComingUpTakesFromTheBackendQueueAsHaproxyDid() throws IOException {
        BackendTraffic be = backend("up-grabs.cfg");
        be.serverChanged(be.server("s2"), ServerState.DOWN, false, false, 1, S);
        List<Decision> arrivals = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            arrivals.add(be.arrive(Request.ROOT, S + i * 100 * MS));
        }
        for (Decision d : arrivals) {
            if (d instanceof Decision.Connect) {
                be.connected(d.stream(), d.stream().arrivalNanos());
            }
        }

        Transition up = be.serverChanged(be.server("s2"), ServerState.UP, false, false, 1, 1900 * MS);
        List<Stream> onS2 = up.effects().stream().map(Decision::stream).toList();
        onS2.forEach(s -> be.connected(s, 1900 * MS));
        // s1's two answer after 4 s; the last queued request takes the first freed slot and is still running
        be.responded(arrivals.get(0).stream(), 200, 5000 * MS);
        Stream last = be.effects().get(0).stream();
        be.connected(last, 5000 * MS);
        be.responded(arrivals.get(1).stream(), 200, 5100 * MS);
        onS2.forEach(s -> be.responded(s, 200, 5900 * MS));

        assertThat(upLine(up)).isEqualTo(line("up-grabs.log"));
        assertCounters(be, "up-grabs.show-stat.csv");
    }

    @Test
    void whatAServerComingUpTakesHoldsNoSlotSoItCanGoOverItsMaxconnAsHaproxyDid() throws IOException {
        BackendTraffic be = backend("up-grab-overcommits.cfg");
        be.serverChanged(be.server("s2"), ServerState.DOWN, false, false, 1, S);
        for (int i = 0; i < 3; i++) {
            Decision d = be.arrive(Request.ROOT, S + i * 100 * MS);
            if (d instanceof Decision.Connect) {
                be.connected(d.stream(), d.stream().arrivalNanos());
            }
        }
        Transition up = be.serverChanged(be.server("s2"), ServerState.UP, false, false, 1, 1600 * MS);
        up.effects().forEach(d -> be.connected(d.stream(), 1600 * MS));

        Decision fourth = be.arrive(Request.ROOT, 1900 * MS);
        be.connected(fourth.stream(), 1900 * MS);

        assertThat(upLine(up)).isEqualTo(line("up-grab-overcommits.log"));
        assertThat(fourth).isEqualTo(new Decision.Connect(fourth.stream(), be.server("s2")));
        assertCounters(be, "up-grab-overcommits.show-stat.csv");
    }

    @Test
    void queueTimeoutsAndAFullServerQueueGive503sAsHaproxyDid() throws IOException {
        for (String name : List.of("q1", "q2")) {
            BackendTraffic be = backend("queue-timeout.cfg", name, AlgorithmTraits.ROUND_ROBIN, null);
            Request request = name.equals("q1") ? Request.ROOT : BackendTrafficTest.cookie("a");
            List<Decision> arrivals = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                arrivals.add(be.arrive(request, i * 100 * MS));
            }
            be.connected(arrivals.get(0).stream(), 0);
            List<String> states = new ArrayList<>();
            for (Decision d : arrivals.subList(1, 3)) {
                if (d instanceof Decision.Queued q) {
                    d = be.queueExpired(q.stream(), q.deadlineNanos());
                }
                states.add(((Decision.Finished) d).status() + " " + BackendTraffic.terminationState(d.stream()));
            }
            be.responded(arrivals.get(0).stream(), 200, 3 * S);

            assertThat(states).as(name).containsExactly(name.equals("q1") ? "503 sQ" : "503 sQ",
                    name.equals("q1") ? "503 sQ" : "503 SQ");
            assertCounters(be, "queue-timeout.show-stat.csv", name);
        }
    }

    @Test
    void underRoundRobinANonEmptyBackendQueueTakesNewRequestsEvenWithAnIdleServerAsHaproxyDid() throws IOException {
        BackendTraffic be = backend("backend-queue-shortcut.cfg");
        be.serverChanged(be.server("s2"), ServerState.UP, false, true, 1, 0);
        Stream req1 = be.arrive(Request.ROOT, 100 * MS).stream();
        be.connected(req1, 100 * MS);
        Stream req2 = be.arrive(Request.ROOT, 200 * MS).stream();
        be.serverChanged(be.server("s2"), ServerState.UP, false, false, 1, 400 * MS);
        Decision req3 = be.arrive(Request.ROOT, 600 * MS);

        assertThat(req3).isEqualTo(new Decision.Queued(req3.stream(), null, 600 * MS + 20 * S));
        assertCounters(be, "backend-queue-shortcut.show-stat-mid.csv");

        be.responded(req1, 200, 3100 * MS);
        be.connected(req2, 3100 * MS);
        be.responded(req2, 200, 6100 * MS);
        assertThat(be.effects()).containsExactly(new Decision.Connect(req3.stream(), be.server("s1")));
        be.connected(req3.stream(), 6100 * MS);
        assertCounters(be, "backend-queue-shortcut.show-stat.csv");
    }

    @Test
    void aWarmingServerTakesFromTheBackendQueueEverySecondAsHaproxyDid() throws IOException {
        BackendTraffic be = backend("slowstart-grabs.cfg");
        ServerTraffic s1 = be.server("s1");
        be.serverChanged(s1, ServerState.DOWN, false, false, 1, 100 * S);
        for (int i = 0; i < 40; i++) {
            Decision d = be.arrive(Request.ROOT, 100_350 * MS);
            if (d instanceof Decision.Connect) {
                be.connected(d.stream(), 100_350 * MS);
            }
        }

        Transition up = be.serverChanged(s1, ServerState.UP, false, false, 1, 100_850 * MS);
        List<String> samples = new ArrayList<>(List.of(sample(s1)));
        String lastLine = null;
        while (s1.nextWarmupNanos() >= 0) {
            Transition t = be.warmup(s1, s1.nextWarmupNanos());
            if (t.logged()) {
                lastLine = upLine(t);
            }
            samples.add(sample(s1));
        }

        String[] log = read("slowstart-grabs.log").strip().split("\n");
        assertThat(upLine(up)).isEqualTo(counts(log[1]));
        assertThat(lastLine).isEqualTo(counts(log[2]));
        // "t=3 <time> s1,0,7,1,32 BACKEND,...": qcur, scur, weight, throttle of s1 once a second
        List<String> captured = read("slowstart-grabs.samples").lines().filter(l -> l.startsWith("t="))
                .map(l -> l.split(" ")[2].substring(3)).toList();
        assertThat(samples).isEqualTo(captured.subList(0, samples.size()));
        assertThat(samples).hasSize(11);
    }

    @Test
    void minconnGrowsWithTheBackendLoadOverFullconnAsHaproxyDid() throws IOException {
        BackendTraffic be = backend("minconn-fullconn.cfg");
        ServerTraffic s1 = be.server("s1");
        java.util.ArrayDeque<Stream> connected = new java.util.ArrayDeque<>();
        for (int i = 0; i < 12; i++) {
            Decision d = be.arrive(Request.ROOT, 0);
            if (d instanceof Decision.Connect) {
                be.connected(d.stream(), 0);
                connected.add(d.stream());
            }
        }
        Map<Long, String> samples = new LinkedHashMap<>();
        for (long t = 1; t <= 12; t++) {
            // the samples were taken a few ms after each second, the answers came 3 s after each connect
            long now = t * S + 20 * MS;
            // each request is answered 3 s after it connected, in the order it connected
            while (!connected.isEmpty() && connected.peek().connectedAtNanos() + 3 * S <= now) {
                Stream done = connected.poll();
                be.responded(done, 200, done.connectedAtNanos() + 3 * S);
                // effects() is valid until the next call: copy it before calling connected()
                for (Decision d : List.copyOf(be.effects())) {
                    be.connected(d.stream(), done.connectedAtNanos() + 3 * S);
                    connected.add(d.stream());
                }
            }
            samples.put(t, "s1," + s1.queueLength() + "," + s1.maxQueueLength() + "," + s1.currentSessions() + ","
                    + s1.maxSessions() + "," + s1.totalSessions() + " BACKEND," + be.queueLength() + ","
                    + be.maxQueueLength() + "," + be.currentSessions() + "," + be.maxSessions() + ","
                    + be.totalSessions());
        }

        // "t=3 s1,0,0,5,6,7 BACKEND,5,10,10,12,12": sampled once a second after the burst
        Map<Long, String> captured = new LinkedHashMap<>();
        read("minconn-fullconn.samples").lines().forEach(l -> captured.put(Long.parseLong(l.substring(2,
                l.indexOf(' '))), l.substring(l.indexOf(' ') + 1).strip()));
        assertThat(samples).isEqualTo(captured);
    }

    @Test
    void onMarkedDownShutdownSessionsCountsThenKillsWith502AsHaproxyDid() throws IOException {
        BackendTraffic be = backend("down-shutdown-sessions.cfg", "rd", AlgorithmTraits.of("first", false),
                FirstUsable::new);
        List<Stream> onS1 = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Decision d = be.arrive(Request.ROOT, i * 100 * MS);
            be.connected(d.stream(), i * 100 * MS);
            onS1.add(d.stream());
        }

        Transition t = be.serverChanged(be.server("s1"), ServerState.DOWN, false, false, 1, 700 * MS);

        assertThat(downLine(t)).isEqualTo(counts(read("down-shutdown-sessions.log").lines().findFirst()
                .orElseThrow()));
        assertThat(t.effects()).extracting(d -> d.stream().status() + " " + BackendTraffic.terminationState(
                d.stream())).containsExactly("502 DH", "502 DH");
        assertCounters(be, "down-shutdown-sessions.show-stat.csv");
    }

    @Test
    void backupsServeAsHaproxysDidWithAndWithoutAllbackups() throws IOException {
        String[] log = read("backups.log").strip().split("\n");
        for (String name : List.of("first", "all")) {
            BackendTraffic be = backend("backups.cfg", name, AlgorithmTraits.ROUND_ROBIN, null);
            Transition down = be.serverChanged(be.server("s1"), ServerState.DOWN, false, false, 1, S);
            for (int i = 0; i < 3; i++) {
                Decision d = be.arrive(Request.ROOT, S + i * 100 * MS);
                if (d instanceof Decision.Connect) {
                    be.connected(d.stream(), d.stream().arrivalNanos());
                }
            }
            assertCounters(be, "backups.show-stat-down.csv", name);

            Transition up = be.serverChanged(be.server("s1"), ServerState.UP, false, false, 1, 1800 * MS);
            up.effects().forEach(d -> be.connected(d.stream(), 1800 * MS));

            int at = name.equals("first") ? 0 : 1;
            assertThat(downLine(down)).isEqualTo(counts(log[at]));
            assertThat(upLine(up)).isEqualTo(counts(log[at + 2]));
            assertCounters(be, "backups.show-stat-up.csv", name);
        }
    }

    @Test
    void aFullServerQueueRedispatchesAPersistentRequestAsHaproxyDid() throws IOException {
        BackendTraffic be = backend("maxqueue-redispatch.cfg", "mq", AlgorithmTraits.ROUND_ROBIN, null);
        Stream req1 = be.arrive(BackendTrafficTest.cookie("a"), 0).stream();
        be.connected(req1, 0);
        Stream req2 = be.arrive(BackendTrafficTest.cookie("a"), 100 * MS).stream();
        Decision req3 = be.arrive(BackendTrafficTest.cookie("a"), 200 * MS);

        assertThat(req3).isEqualTo(new Decision.Connect(req3.stream(), be.server("s2")));
        be.connected(req3.stream(), 200 * MS);
        be.responded(req3.stream(), 200, 201 * MS);
        be.responded(req1, 200, 2000 * MS);
        be.connected(req2, 2000 * MS);
        be.responded(req2, 200, 4000 * MS);
        assertCounters(be, "maxqueue-redispatch.show-stat.csv", "mq");
    }

    /** {@code balance first} without its ordering by id: the first usable server that is not full. */
    static final class FirstUsable implements LoadBalancer {

        private final List<? extends LbServer> servers;

        FirstUsable(List<? extends LbServer> servers) {
            this.servers = servers;
        }

        @Override
        public LbServer pick(Request request, LbServer avoid) {
            return servers.stream().filter(s -> s.usable() && !s.full()).findFirst().orElse(null);
        }

        @Override
        public void update(LbServer server) {
        }

        @Override
        public void taken(LbServer server) {
        }

        @Override
        public void released(LbServer server) {
        }
    }

    /** qcur, scur, weight, throttle as {@code show stat} prints them. */
    static String sample(ServerTraffic s) {
        return s.queueLength() + "," + s.currentSessions() + "," + s.csvWeight() + ","
                + (s.throttle() < 0 ? "" : s.throttle());
    }

    @Test
    void aRefusingServerGetsThreeRetriesOneSecondApartThen503AsHaproxyDid() throws IOException {
        BackendTraffic be = backend("retries.cfg", "rt", AlgorithmTraits.ROUND_ROBIN, null);

        Decision d = be.arrive(Request.ROOT, 0);
        long now = 0;
        while (!(d instanceof Decision.Finished)) {
            d = be.connectFailed(d.stream(), ConnectFailure.REFUSED, now);
            if (d instanceof Decision.Turnaround t) {
                now = t.retryAtNanos();
                d = be.turnaroundExpired(t.stream(), now);
            }
        }

        // the log: "0/0/-1/-1/3010 503 ... SC-- ... 1/1/0/0/3"
        assertThat(now).isEqualTo(3 * S);
        assertThat(BackendTraffic.terminationState(d.stream())).isEqualTo("SC");
        assertThat(d.stream().retries()).isEqualTo(3);
        assertCounters(be, "retries.show-stat.csv", "rt");
    }

    @Test
    void redispatchGoesToAnotherServerOnTheFirstRetryUnlessTheAlgorithmHashesAsHaproxyDid() throws IOException {
        for (String name : List.of("lc3", "lc5", "lcI3", "first", "rr", "lc3tc")) {
            String balance = name.startsWith("lc") ? "leastconn" : name.equals("rr") ? "roundrobin" : name;
            BackendTraffic be = backend("redispatch-algorithms.cfg", name, AlgorithmTraits.of(balance, false), null);
            Decision first = be.arrive(Request.ROOT, 0);
            assertThat(first.stream().server().name()).isEqualTo("s1");

            Decision retry = be.connectFailed(first.stream(), ConnectFailure.REFUSED, 0);
            be.connected(retry.stream(), 0);
            be.responded(retry.stream(), 200, MS);

            assertThat(retry).as(name).isEqualTo(new Decision.Connect(first.stream(), be.server("s2")));
            assertCounters(be, "redispatch-algorithms.show-stat.csv", name);
        }
    }

    @Test
    void underAHashTheLastRetryHashesToTheSameServerAsHaproxyDid() throws IOException {
        // balance uri: /a and /c hash to s1, /b and /d to s2; map-based hashing ignores the server to avoid
        BackendTraffic be = backend("retries-hash.cfg", "h", AlgorithmTraits.of("uri", false),
                servers -> new FixedHash(servers));
        long now = 0;
        for (String path : List.of("/a", "/b", "/c", "/d")) {
            Decision d = be.arrive(new Request("GET", path, Map.of(), null), now);
            long start = now;
            while (!(d instanceof Decision.Finished)) {
                if (d instanceof Decision.Connect c && c.server().name().equals("s2")) {
                    be.connected(d.stream(), now);
                    d = be.responded(d.stream(), 200, now);
                } else {
                    d = be.connectFailed(d.stream(), ConnectFailure.REFUSED, now);
                    if (d instanceof Decision.Turnaround t) {
                        now = t.retryAtNanos();
                        d = be.turnaroundExpired(t.stream(), now);
                    }
                }
            }
            // the log: 503 after 2004 ms for /a and /c, 200 at once for /b and /d
            assertThat(now - start).as(path).isEqualTo(path.equals("/a") || path.equals("/c") ? 2 * S : 0);
            now += 10 * MS;
        }
        assertCounters(be, "retries-hash.show-stat.csv", "h");
    }

    /** {@code balance uri} as the capture saw it, ignoring the server to avoid as map-based hashing does. */
    static final class FixedHash implements LoadBalancer {

        private final List<? extends LbServer> servers;

        FixedHash(List<? extends LbServer> servers) {
            this.servers = servers;
        }

        @Override
        public LbServer pick(Request request, LbServer avoid) {
            return servers.get(request.uri().equals("/a") || request.uri().equals("/c") ? 0 : 1);
        }

        @Override
        public void update(LbServer server) {
        }

        @Override
        public void taken(LbServer server) {
        }

        @Override
        public void released(LbServer server) {
        }
    }

    static BackendTraffic backend(String cfg) throws IOException {
        return backend(cfg, "rd", AlgorithmTraits.ROUND_ROBIN, null);
    }

    static BackendTraffic backend(String cfg, String name, AlgorithmTraits traits,
                                  java.util.function.Function<List<? extends LbServer>, LoadBalancer> balancer)
            throws IOException {
        HaproxyConfig config = HaproxyConfig.parse(cfg, read(cfg));
        ProxyConfig proxy = config.proxy(name).orElseThrow();
        // without fullconn, these captures' BACKEND rows print slim 999 (10% of HAProxy's own maxconn)
        int fullConn = proxy.traffic().fullConn() > 0 ? proxy.traffic().fullConn() : 999;
        return BackendTraffic.of(proxy, fullConn, traits, balancer != null ? balancer
                : servers -> new DeclarationOrderRoundRobin(servers, proxy.traffic().allBackups()));
    }

    /** The counts part of HAProxy's DOWN line, as haprobe's log format builds it from the model's numbers. */
    static String downLine(Transition t) {
        return counts(HaproxyLogFormat.transitionWithReason(NAME, ServerState.DOWN, "changed from CLI",
                HaproxyLogFormat.Counts.of(t)));
    }

    static String upLine(Transition t) {
        return counts(HaproxyLogFormat.transitionWithReason(NAME, ServerState.UP, "changed from CLI",
                HaproxyLogFormat.Counts.of(t)));
    }

    static final HaproxyLogFormat.ServerName NAME = new HaproxyLogFormat.ServerName("rd", "s", false);

    static String counts(String line) {
        return line.substring(line.indexOf(". ") + 2);
    }

    /** The counts part of the capture's last transition line. */
    static String line(String log) throws IOException {
        String[] lines = read(log).strip().split("\n");
        String last = lines[lines.length - 1];
        return last.substring(last.indexOf(". ") + 2);
    }

    static final List<String> SERVER_COLUMNS = List.of("qcur", "qmax", "scur", "smax", "stot", "econ", "eresp",
            "wretr", "wredis", "lbtot", "hrsp_2xx", "hrsp_5xx");

    static void assertCounters(BackendTraffic be, String csv) throws IOException {
        assertCounters(be, csv, "rd");
    }

    static void assertCounters(BackendTraffic be, String csv, String backend) throws IOException {
        Map<String, Map<String, String>> rows = showStat(read(csv), backend);
        for (ServerTraffic s : be.servers()) {
            Map<String, String> expected = select(rows.get(s.name()), SERVER_COLUMNS);
            Map<String, String> actual = new LinkedHashMap<>();
            actual.put("qcur", "" + s.queueLength());
            actual.put("qmax", "" + s.maxQueueLength());
            actual.put("scur", "" + s.currentSessions());
            actual.put("smax", "" + s.maxSessions());
            actual.put("stot", "" + s.totalSessions());
            actual.put("econ", "" + s.connectErrors());
            actual.put("eresp", "" + s.responseErrors());
            actual.put("wretr", "" + s.retries());
            actual.put("wredis", "" + s.redispatches());
            actual.put("lbtot", "" + s.lbTotal());
            actual.put("hrsp_2xx", "" + s.httpResponses(2));
            actual.put("hrsp_5xx", "" + s.httpResponses(5));
            assertThat(actual).as(backend + "/" + s.name()).isEqualTo(expected);
        }
        Map<String, String> expected = select(rows.get("BACKEND"), SERVER_COLUMNS);
        Map<String, String> actual = new LinkedHashMap<>();
        actual.put("qcur", "" + be.queueLength());
        actual.put("qmax", "" + be.maxQueueLength());
        actual.put("scur", "" + be.currentSessions());
        actual.put("smax", "" + be.maxSessions());
        actual.put("stot", "" + be.totalSessions());
        actual.put("econ", "" + be.connectErrors());
        actual.put("eresp", "" + be.responseErrors());
        actual.put("wretr", "" + be.retries());
        actual.put("wredis", "" + be.redispatches());
        actual.put("lbtot", "" + be.lbTotal());
        actual.put("hrsp_2xx", "" + be.httpResponses(2));
        actual.put("hrsp_5xx", "" + be.httpResponses(5));
        assertThat(actual).as(backend + "/BACKEND").isEqualTo(expected);
    }

    static Map<String, String> select(Map<String, String> row, List<String> columns) {
        Map<String, String> out = new LinkedHashMap<>();
        columns.forEach(c -> out.put(c, row.get(c)));
        return out;
    }

    /** The rows of a backend by server name, each a map column to value. */
    static Map<String, Map<String, String>> showStat(String csv, String backend) {
        String[] lines = csv.split("\n");
        List<String> header = Arrays.asList(lines[0].substring(2).split(",", -1));
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].split(",", -1);
            if (!fields[0].equals(backend)) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.size() && c < fields.length; c++) {
                row.put(header.get(c), fields[c]);
            }
            rows.put(fields[1], row);
        }
        return rows;
    }

    static String read(String name) throws IOException {
        try (InputStream in = HaproxyCaptureTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IOException("missing resource " + DIR + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
