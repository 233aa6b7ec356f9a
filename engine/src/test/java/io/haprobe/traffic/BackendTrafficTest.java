package io.haprobe.traffic;

import io.haprobe.ServerState;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The request model of spec §9 on virtual time: admission, queues, retries, responses, state changes. */
class BackendTrafficTest {

    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    static BackendTraffic backend(String body) {
        return backend(body, AlgorithmTraits.ROUND_ROBIN, 100);
    }

    static BackendTraffic backend(String body, AlgorithmTraits traits, int fullConn) {
        HaproxyConfig config = HaproxyConfig.parse("t.cfg", "defaults\n    mode http\n    timeout connect 5s\n"
                + "backend be\n" + body);
        ProxyConfig proxy = config.proxy("be").orElseThrow();
        return BackendTraffic.of(proxy, fullConn, traits,
                servers -> new DeclarationOrderRoundRobin(servers, proxy.traffic().allBackups()));
    }

    static Request cookie(String value) {
        return new Request("GET", "/", Map.of("Cookie", "SRV=" + value), null);
    }

    static Stream connected(BackendTraffic be, Decision d, long now) {
        assertThat(d).isInstanceOf(Decision.Connect.class);
        be.connected(d.stream(), now);
        return d.stream();
    }

    static String server(Decision d) {
        return d instanceof Decision.Connect c ? c.server().name()
                : d instanceof Decision.Queued q ? "queued:" + (q.server() == null ? "backend" : q.server().name())
                : d.toString();
    }

    @Nested
    class Admission {

        @Test
        void noUsableServerGives503NoServerAndCountsEcon() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001 disabled\n");

            Decision d = be.arrive(Request.ROOT, 0);

            assertThat(d).isEqualTo(new Decision.Finished(d.stream(), 503, Termination.NO_SERVER));
            assertThat(BackendTraffic.terminationState(d.stream())).isEqualTo("SC");
            assertThat(be.connectErrors()).isEqualTo(1);
            assertThat(be.httpResponses(5)).isEqualTo(1);
            assertThat(be.terminations(Termination.NO_SERVER)).isEqualTo(1);
            assertThat(be.totalSessions()).isEqualTo(1);
            assertThat(be.currentSessions()).isZero();
        }

        @Test
        void aServerThatIsNotFullGetsTheRequestAndCountsIt() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001\n    server s2 127.0.0.1:8002\n");

            Decision first = be.arrive(Request.ROOT, 0);
            Decision second = be.arrive(Request.ROOT, 0);

            assertThat(server(first)).isEqualTo("s1");
            assertThat(server(second)).isEqualTo("s2");
            ServerTraffic s1 = be.server("s1");
            assertThat(s1.currentSessions()).isEqualTo(1);
            assertThat(s1.served()).isEqualTo(1);
            assertThat(s1.totalSessions()).isEqualTo(1);
            assertThat(s1.lbTotal()).isEqualTo(1);
            assertThat(be.lbTotal()).isEqualTo(2);
            assertThat(be.currentSessions()).isEqualTo(2);
            assertThat(be.maxSessions()).isEqualTo(2);
        }

        @Test
        void everyServerFullQueuesInTheBackendQueueUntilASlotFrees() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001 maxconn 1\n");
            Stream first = connected(be, be.arrive(Request.ROOT, 0), 1 * MS);

            Decision second = be.arrive(Request.ROOT, 10 * MS);

            assertThat(second).isEqualTo(new Decision.Queued(second.stream(), null, 10 * MS + 5 * S));
            assertThat(be.queueLength()).isEqualTo(1);
            assertThat(be.maxQueueLength()).isEqualTo(1);

            Decision.Finished done = be.responded(first, 200, 100 * MS);

            assertThat(done.status()).isEqualTo(200);
            assertThat(be.effects()).containsExactly(new Decision.Connect(second.stream(), be.server("s1")));
            assertThat(be.queueLength()).isZero();
            assertThat(second.stream().server().name()).isEqualTo("s1");
            // a dequeued request was not load-balanced
            assertThat(be.server("s1").lbTotal()).isEqualTo(1);
            assertThat(be.server("s1").totalSessions()).isEqualTo(2);
        }

        @Test
        void aNonEmptyBackendQueueTakesNewRequestsUnderRoundRobinEvenWhenAServerIsFree() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001 maxconn 1\n    server s2 127.0.0.1:8002\n");
            ServerTraffic s2 = be.server("s2");
            be.serverChanged(s2, ServerState.UP, false, true, 1, 0);
            be.arrive(Request.ROOT, 0);
            be.arrive(Request.ROOT, 0);
            // leaving drain takes nothing from the backend queue (only coming UP does)
            be.serverChanged(s2, ServerState.UP, false, false, 1, S);
            assertThat(be.queueLength()).isEqualTo(1);

            Decision d = be.arrive(Request.ROOT, 2 * S);

            // backend.c assign_server(): queue.length (1) != beconn (3), so roundrobin answers FULL
            assertThat(server(d)).isEqualTo("queued:backend");
            assertThat(be.queueLength()).isEqualTo(2);
        }

        @Test
        void serverHttpCountersCountTheServersAnswersAndTheBackendCountsEveryAnswer() {
            BackendTraffic be = backend("    timeout server 2s\n    server s1 127.0.0.1:8001\n");
            Stream a = connected(be, be.arrive(Request.ROOT, 0), 0);
            Stream b = connected(be, be.arrive(Request.ROOT, 0), 0);
            Stream c = connected(be, be.arrive(Request.ROOT, 0), 0);

            be.responded(a, 404, 10 * MS);
            Decision.Finished timedOut = be.serverTimedOut(b, 2 * S);
            Decision.Finished closed = be.serverClosed(c, 2 * S);

            assertThat(timedOut.status()).isEqualTo(504);
            assertThat(BackendTraffic.terminationState(b)).isEqualTo("sH");
            assertThat(closed.status()).isEqualTo(502);
            assertThat(BackendTraffic.terminationState(c)).isEqualTo("SH");
            ServerTraffic s1 = be.server("s1");
            assertThat(s1.httpResponses(4)).isEqualTo(1);
            assertThat(s1.httpResponses(5)).isZero();
            assertThat(s1.requestTotal()).isEqualTo(1);
            assertThat(s1.responseErrors()).isEqualTo(2);
            assertThat(be.httpResponses(4)).isEqualTo(1);
            assertThat(be.httpResponses(5)).isEqualTo(2);
            assertThat(be.requestTotal()).isEqualTo(3);
            assertThat(be.responseErrors()).isEqualTo(2);
            assertThat(be.timeoutServerNanos()).isEqualTo(2 * S);
            assertThat(s1.currentSessions()).isZero();
        }
    }

    @Nested
    class Queues {

        @Test
        void timeoutQueueEndsAQueuedRequestWith503sQ() {
            BackendTraffic be = backend("    timeout queue 1s\n    server s1 127.0.0.1:8001 maxconn 1\n");
            be.arrive(Request.ROOT, 0);
            Decision.Queued queued = (Decision.Queued) be.arrive(Request.ROOT, 200 * MS);

            assertThat(queued.deadlineNanos()).isEqualTo(1200 * MS);
            assertThat(be.queueExpired(queued.stream(), 1100 * MS)).isNull();
            Decision expired = be.queueExpired(queued.stream(), 1200 * MS);

            assertThat(expired).isEqualTo(new Decision.Finished(queued.stream(), 503, Termination.QUEUE_TIMEOUT));
            assertThat(BackendTraffic.terminationState(queued.stream())).isEqualTo("sQ");
            assertThat(be.queueLength()).isZero();
            assertThat(be.connectErrors()).isEqualTo(1);
            // it waited in the backend queue, not the server's
            assertThat(be.server("s1").connectErrors()).isZero();
        }

        @Test
        void timeoutQueueDefaultsToTimeoutConnect() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001\n");

            assertThat(be.timeoutQueueNanos()).isEqualTo(5 * S);
        }

        @Test
        void aStaleQueueTimerDoesNothingOnceTheRequestWasDequeued() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001 maxconn 1\n");
            Stream first = connected(be, be.arrive(Request.ROOT, 0), 0);
            Decision queued = be.arrive(Request.ROOT, 0);
            be.responded(first, 200, S);

            assertThat(be.queueExpired(queued.stream(), 5 * S)).isNull();
            assertThat(queued.stream().phase()).isEqualTo(Stream.Phase.CONNECTING);
        }

        @Test
        void aFreedSlotTakesTheOlderOfTheServerQueueHeadAndTheBackendQueueHead() {
            BackendTraffic be = backend("    cookie SRV insert\n    server s1 127.0.0.1:8001 maxconn 1 cookie a\n");
            Stream first = connected(be, be.arrive(Request.ROOT, 0), 0);
            Decision backendQueued = be.arrive(Request.ROOT, 10 * MS);
            Decision serverQueued = be.arrive(cookie("a"), 20 * MS);
            assertThat(server(backendQueued)).isEqualTo("queued:backend");
            assertThat(server(serverQueued)).isEqualTo("queued:s1");

            be.responded(first, 200, S);
            // the backend queue's head entered it first (10 ms against 20 ms)
            Stream second = connected(be, be.effects().get(0), S);
            assertThat(second).isSameAs(backendQueued.stream());

            be.responded(second, 200, 2 * S);
            assertThat(be.effects()).extracting(Decision::stream).containsExactly(serverQueued.stream());
        }

        @Test
        void aPersistentRequestForAFullServerWaitsInThatServersQueue() {
            BackendTraffic be = backend("    cookie SRV insert\n"
                    + "    server s1 127.0.0.1:8001 maxconn 1 cookie a\n    server s2 127.0.0.1:8002 cookie b\n");
            be.arrive(cookie("a"), 0);

            Decision d = be.arrive(cookie("a"), 0);

            assertThat(server(d)).isEqualTo("queued:s1");
            assertThat(be.server("s1").queueLength()).isEqualTo(1);
            assertThat(be.server("s1").maxQueueLength()).isEqualTo(1);
            assertThat(be.server("s1").lbTotal()).isZero();
        }

        @Test
        void maxqueueReachedGives503SQWithoutRedispatch() {
            BackendTraffic be = backend("    cookie SRV insert\n"
                    + "    server s1 127.0.0.1:8001 maxconn 1 maxqueue 1 cookie a\n    server s2 127.0.0.1:8002\n");
            be.arrive(cookie("a"), 0);
            be.arrive(cookie("a"), 0);

            Decision d = be.arrive(cookie("a"), 0);

            assertThat(d).isEqualTo(new Decision.Finished(d.stream(), 503, Termination.QUEUE_FULL));
            assertThat(BackendTraffic.terminationState(d.stream())).isEqualTo("SQ");
            assertThat(be.server("s1").connectErrors()).isEqualTo(1);
            assertThat(be.connectErrors()).isEqualTo(1);
        }

        @Test
        void maxqueueReachedRedispatchesAPersistentRequestWithOptionRedispatch() {
            BackendTraffic be = backend("    cookie SRV insert\n    option redispatch\n"
                    + "    server s1 127.0.0.1:8001 maxconn 1 maxqueue 1 cookie a\n    server s2 127.0.0.1:8002\n");
            be.arrive(cookie("a"), 0);
            be.arrive(cookie("a"), 0);

            Decision d = be.arrive(cookie("a"), 0);

            assertThat(server(d)).isEqualTo("s2");
            assertThat(be.server("s1").redispatches()).isEqualTo(1);
            assertThat(be.redispatches()).isEqualTo(1);
        }

        @Test
        void aCookieForADownServerIsIgnoredUnlessOptionPersist() {
            String servers = "    server s1 127.0.0.1:8001 cookie a\n    server s2 127.0.0.1:8002 cookie b\n";
            BackendTraffic plain = backend("    cookie SRV insert\n" + servers);
            BackendTraffic persist = backend("    cookie SRV insert\n    option persist\n" + servers);
            for (BackendTraffic be : List.of(plain, persist)) {
                be.serverChanged(be.server("s2"), ServerState.DOWN, false, false, 1, 0);
            }

            assertThat(server(plain.arrive(cookie("b"), S))).isEqualTo("s1");
            assertThat(server(persist.arrive(cookie("b"), S))).isEqualTo("s2");
        }

        @Test
        void aCookieStillNamesADrainedServer() {
            BackendTraffic be = backend("    cookie SRV prefix\n"
                    + "    server s1 127.0.0.1:8001 cookie a\n    server s2 127.0.0.1:8002 cookie b\n");
            be.serverChanged(be.server("s2"), ServerState.UP, false, true, 1, 0);

            assertThat(server(be.arrive(cookie("b~x9"), S))).isEqualTo("s2");
            assertThat(server(be.arrive(Request.ROOT, S))).isEqualTo("s1");
            assertThat(server(be.arrive(Request.ROOT, S))).isEqualTo("s1");
        }
    }

    @Nested
    class Retries {

        @Test
        void aRefusedConnectIsRetriedThreeTimesAfterTheTurnaroundThenGives503SC() {
            BackendTraffic be = backend("    timeout connect 300ms\n    server s1 127.0.0.1:8001\n");
            Decision d = be.arrive(Request.ROOT, 0);
            Stream stream = d.stream();
            List<String> steps = new ArrayList<>();
            long now = 0;
            while (!(d instanceof Decision.Finished)) {
                d = be.connectFailed(stream, ConnectFailure.REFUSED, now);
                if (d instanceof Decision.Turnaround t) {
                    steps.add("wait until " + t.retryAtNanos() / MS + "ms");
                    now = t.retryAtNanos();
                    d = be.turnaroundExpired(stream, now);
                    steps.add("connect " + server(d));
                }
            }

            assertThat(steps).containsExactly("wait until 300ms", "connect s1", "wait until 600ms", "connect s1",
                    "wait until 900ms", "connect s1");
            assertThat(d).isEqualTo(new Decision.Finished(stream, 503, Termination.CONNECT_ERROR));
            assertThat(BackendTraffic.terminationState(stream)).isEqualTo("SC");
            ServerTraffic s1 = be.server("s1");
            assertThat(s1.retries()).isEqualTo(3);
            assertThat(s1.totalSessions()).isEqualTo(4);
            assertThat(s1.connectErrors()).isEqualTo(1);
            assertThat(s1.currentSessions()).isZero();
            assertThat(s1.served()).isZero();
            assertThat(be.retries()).isEqualTo(3);
            assertThat(be.connectErrors()).isEqualTo(1);
        }

        @Test
        void connectTimeoutsRetryAtOnceAndEndWith503sC() {
            BackendTraffic be = backend("    retries 1\n    server s1 127.0.0.1:8001\n");
            Stream stream = be.arrive(Request.ROOT, 0).stream();

            Decision retry = be.connectFailed(stream, ConnectFailure.TIMEOUT, 5 * S);
            Decision last = be.connectFailed(stream, ConnectFailure.TIMEOUT, 10 * S);

            assertThat(retry).isEqualTo(new Decision.Connect(stream, be.server("s1")));
            assertThat(last).isEqualTo(new Decision.Finished(stream, 503, Termination.CONNECT_TIMEOUT));
            assertThat(BackendTraffic.terminationState(stream)).isEqualTo("sC");
        }

        @Test
        void underAHashOptionRedispatchSendsOnlyTheLastRetryToAnotherServer() {
            BackendTraffic be = backend("    option redispatch\n"
                    + "    server s1 127.0.0.1:8001\n    server s2 127.0.0.1:8002\n",
                    AlgorithmTraits.of("uri", false), 100);
            Stream stream = be.arrive(Request.ROOT, 0).stream();
            List<String> servers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Decision d = be.connectFailed(stream, ConnectFailure.TIMEOUT, i * 5 * S);
                servers.add(server(d));
            }

            assertThat(servers).containsExactly("s1", "s1", "s2");
            assertThat(be.server("s1").retries()).isEqualTo(2);
            assertThat(be.server("s1").redispatches()).isEqualTo(1);
            assertThat(be.redispatches()).isEqualTo(1);
            assertThat(be.server("s2").lbTotal()).isEqualTo(1);
        }

        @Test
        void optionRedispatchWithAnIntervalRedispatchesEveryNthRetry() {
            BackendTraffic be = backend("    option redispatch 1\n"
                    + "    server s1 127.0.0.1:8001\n    server s2 127.0.0.1:8002\n",
                    AlgorithmTraits.of("source", false), 100);
            Stream stream = be.arrive(Request.ROOT, 0).stream();

            assertThat(server(be.connectFailed(stream, ConnectFailure.TIMEOUT, 5 * S))).isEqualTo("s2");
            assertThat(server(be.connectFailed(stream, ConnectFailure.TIMEOUT, 10 * S))).isEqualTo("s1");
        }

        @Test
        void withSeveralActiveServersEveryRetryIsRedispatchedAtOnceUnlessTheAlgorithmHashes() {
            for (String balance : List.of("roundrobin", "static-rr", "leastconn", "first", "random")) {
                BackendTraffic be = backend("    option redispatch\n"
                        + "    server s1 127.0.0.1:8001\n    server s2 127.0.0.1:8002\n",
                        AlgorithmTraits.of(balance, false), 100);
                Stream stream = be.arrive(Request.ROOT, 0).stream();

                Decision d = be.connectFailed(stream, ConnectFailure.REFUSED, 0);

                // no turn-around: another server will do (2.6.12, as captured for leastconn, first, roundrobin)
                assertThat(d).as(balance).isEqualTo(new Decision.Connect(stream, be.server("s2")));
                assertThat(be.server("s1").redispatches()).as(balance).isEqualTo(1);
            }
        }

        @Test
        void withOneActiveServerARedispatchedRetryStillWaitsTheTurnaround() {
            BackendTraffic be = backend("    option redispatch 1\n"
                    + "    server s1 127.0.0.1:8001\n    server b1 127.0.0.1:8002 backup\n");
            Stream stream = be.arrive(Request.ROOT, 0).stream();

            Decision d = be.connectFailed(stream, ConnectFailure.REFUSED, 0);

            assertThat(d).isEqualTo(new Decision.Turnaround(stream, S));
            assertThat(server(be.turnaroundExpired(stream, S))).isEqualTo("s1");
            // load balancing gave the same server back: a retry, not a redispatch
            assertThat(be.server("s1").retries()).isEqualTo(1);
            assertThat(be.server("s1").redispatches()).isZero();
        }

        @Test
        void aRetryReleasesNoSlotUnlessRedispatched() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001 maxconn 1\n");
            Stream stream = be.arrive(Request.ROOT, 0).stream();
            be.arrive(Request.ROOT, 0);

            Decision d = be.connectFailed(stream, ConnectFailure.REFUSED, 0);

            assertThat(d).isInstanceOf(Decision.Turnaround.class);
            assertThat(be.server("s1").served()).isEqualTo(1);
            assertThat(be.server("s1").currentSessions()).isZero();
            assertThat(be.queueLength()).isEqualTo(1);
        }
    }

    @Nested
    class StateChanges {

        /** s1 serving one request with three more waiting in its own queue (persistence). */
        BackendTraffic threeQueuedOnS1(String options) {
            BackendTraffic be = backend("    cookie SRV insert\n" + options
                    + "    server s1 127.0.0.1:8001 maxconn 1 cookie a\n    server s2 127.0.0.1:8002 cookie b\n");
            for (int i = 0; i < 4; i++) {
                be.arrive(cookie("a"), i * MS);
            }
            assertThat(be.server("s1").queueLength()).isEqualTo(3);
            return be;
        }

        @Test
        void aServerWithThreeQueuedGoingDownWithRedispatchRequeuesThem() {
            BackendTraffic be = threeQueuedOnS1("    option redispatch\n");

            Transition t = be.serverChanged(be.server("s1"), ServerState.DOWN, false, false, 1, S);

            // "1 active and 0 backup servers left. 1 sessions active, 3 requeued, 0 remaining in queue."
            assertThat(t).extracting(Transition::active, Transition::backup, Transition::sessions,
                    Transition::requeued, Transition::queued, Transition::logged).containsExactly(1, 0, 1, 3, 0, true);
            assertThat(t.effects()).extracting(BackendTrafficTest::server).containsExactly("s2", "s2", "s2");
            assertThat(be.server("s1").redispatches()).isEqualTo(3);
        }

        @Test
        void aServerWithThreeQueuedGoingDownWithoutRedispatchKeepsThem() {
            BackendTraffic be = threeQueuedOnS1("");

            Transition t = be.serverChanged(be.server("s1"), ServerState.DOWN, false, false, 1, S);

            // "1 active and 0 backup servers left. 1 sessions active, 0 requeued, 3 remaining in queue."
            assertThat(t).extracting(Transition::active, Transition::sessions, Transition::requeued,
                    Transition::queued).containsExactly(1, 1, 0, 3);
            assertThat(t.effects()).isEmpty();
        }

        @Test
        void optionPersistKeepsTheQueueEvenWithRedispatch() {
            BackendTraffic be = threeQueuedOnS1("    option redispatch\n    option persist\n");

            Transition t = be.serverChanged(be.server("s1"), ServerState.DOWN, false, false, 1, S);

            assertThat(t.requeued()).isZero();
            assertThat(t.queued()).isEqualTo(3);
        }

        @Test
        void drainAndMaintenanceRequeueAsDownDoes() {
            BackendTraffic drained = threeQueuedOnS1("    option redispatch\n");
            BackendTraffic maint = threeQueuedOnS1("    option redispatch\n");

            Transition drain = drained.serverChanged(drained.server("s1"), ServerState.UP, false, true, 1, S);
            Transition down = maint.serverChanged(maint.server("s1"), ServerState.DOWN, true, false, 1, S);

            assertThat(drain.requeued()).isEqualTo(3);
            assertThat(drain.logged()).isTrue();
            assertThat(down.requeued()).isEqualTo(3);
            assertThat(down.logged()).isTrue();
        }

        @Test
        void aServerComingUpTakesTwoFromTheBackendQueue() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001 maxconn 2\n"
                    + "    server s2 127.0.0.1:8002 maxconn 2\n");
            be.serverChanged(be.server("s2"), ServerState.DOWN, false, false, 1, 0);
            for (int i = 0; i < 5; i++) {
                be.arrive(Request.ROOT, i * MS);
            }
            assertThat(be.queueLength()).isEqualTo(3);

            Transition t = be.serverChanged(be.server("s2"), ServerState.UP, false, false, 1, S);

            // "2 active and 0 backup servers online. 2 sessions requeued, 0 total in queue."
            assertThat(t).extracting(Transition::active, Transition::backup, Transition::requeued, Transition::queued,
                    Transition::logged).containsExactly(2, 0, 2, 0, true);
            assertThat(t.effects()).extracting(BackendTrafficTest::server).containsExactly("s2", "s2");
            assertThat(be.queueLength()).isEqualTo(1);
        }

        @Test
        void aBackupTakesFromTheBackendQueueOnlyAsTheActiveFallback() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001 maxconn 1\n"
                    + "    server b1 127.0.0.1:8003 backup\n");
            be.serverChanged(be.server("b1"), ServerState.DOWN, false, false, 1, 0);
            be.arrive(Request.ROOT, 0);
            be.arrive(Request.ROOT, 0);

            Transition up = be.serverChanged(be.server("b1"), ServerState.UP, false, false, 1, S);
            assertThat(up.requeued()).isZero();

            Transition down = be.serverChanged(be.server("s1"), ServerState.DOWN, false, false, 1, 2 * S);
            assertThat(down.runningOnBackup()).isTrue();
        }

        @Test
        void onMarkedDownShutdownSessionsKillsTheServersStreamsAfterTheLineCountedThem() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001 on-marked-down shutdown-sessions\n"
                    + "    server s2 127.0.0.1:8002\n");
            Stream a = connected(be, be.arrive(Request.ROOT, 0), 0);

            Transition t = be.serverChanged(be.server("s1"), ServerState.DOWN, false, false, 1, S);

            assertThat(t.sessions()).isEqualTo(1);
            // 2.6.12 (nbthread 1): "1 sessions active", then the client gets "502 ... DH--"
            assertThat(t.effects()).containsExactly(new Decision.Finished(a, 502, Termination.SERVER_DOWN));
            assertThat(BackendTraffic.terminationState(a)).isEqualTo("DH");
            assertThat(be.server("s1").currentSessions()).isZero();
            assertThat(be.server("s1").responseErrors()).isEqualTo(1);
            assertThat(be.httpResponses(5)).isEqualTo(1);
        }

        @Test
        void weightZeroMakesAServerUnusableWithoutALine() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001\n");

            Transition t = be.serverChanged(be.server("s1"), ServerState.UP, false, false, 0, S);

            assertThat(t.logged()).isFalse();
            assertThat(be.activeServers()).isZero();
            assertThat(be.arrive(Request.ROOT, S).stream().termination()).isEqualTo(Termination.NO_SERVER);
        }
    }

    @Nested
    class SlowStart {

        @Test
        void weightAndThrottleRampOncePerSecondAsSpec93Verified() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001 weight 10 slowstart 10s\n");
            ServerTraffic s1 = be.server("s1");
            be.serverChanged(s1, ServerState.DOWN, false, false, 10, 0);

            Transition up = be.serverChanged(s1, ServerState.UP, false, false, 10, 100 * S);
            assertThat(up.logged()).isTrue();
            List<Integer> weights = new ArrayList<>(List.of(s1.csvWeight()));
            List<Integer> throttles = new ArrayList<>(List.of(s1.throttle()));
            List<Long> logged = new ArrayList<>();
            while (s1.nextWarmupNanos() >= 0) {
                long at = s1.nextWarmupNanos();
                if (be.warmup(s1, at).logged()) {
                    logged.add(at / S);
                }
                weights.add(s1.csvWeight());
                throttles.add(s1.throttle());
            }

            assertThat(weights).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10);
            assertThat(throttles).containsExactly(6, 12, 25, 31, 43, 56, 62, 75, 81, 93, -1);
            // the second, identical "is UP" line, at the end of the ramp
            assertThat(logged).containsExactly(110L);
            assertThat(s1.state()).isEqualTo(ServerState.UP);
            assertThat(s1.eweight()).isEqualTo(160);
        }

        @Test
        void staticAlgorithmsGetTheFullWeightAtOnce() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001 weight 10 slowstart 10s\n",
                    AlgorithmTraits.of("static-rr", false), 100);
            ServerTraffic s1 = be.server("s1");
            be.serverChanged(s1, ServerState.DOWN, false, false, 10, 0);

            be.serverChanged(s1, ServerState.UP, false, false, 10, 100 * S);

            assertThat(s1.state()).isEqualTo(ServerState.STARTING);
            assertThat(s1.csvWeight()).isEqualTo(10);
            assertThat(s1.throttle()).isEqualTo(100);
        }

        @Test
        void theMaxconnRampsWithTheSlowstart() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001 maxconn 100 slowstart 10s\n");
            ServerTraffic s1 = be.server("s1");
            be.serverChanged(s1, ServerState.DOWN, false, false, 1, 0);
            be.serverChanged(s1, ServerState.UP, false, false, 1, 100 * S);
            List<Integer> limits = new ArrayList<>(List.of(s1.dynamicMaxConn()));
            while (s1.nextWarmupNanos() >= 0) {
                be.warmup(s1, s1.nextWarmupNanos());
                limits.add(s1.dynamicMaxConn());
            }

            assertThat(limits).containsExactly(1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100);
        }

        @Test
        void slowstartIsRoundedUpToWholeSeconds() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001 slowstart 1500ms\n");

            assertThat(be.server("s1").slowStartSeconds()).isEqualTo(2);
        }
    }

    @Nested
    class DynamicMaxconn {

        @Test
        void minconnGrowsToMaxconnWithTheBackendLoadOverFullconn() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001 minconn 10 maxconn 100\n",
                    AlgorithmTraits.ROUND_ROBIN, 1000);
            ServerTraffic s1 = be.server("s1");
            assertThat(s1.dynamicMaxConn()).isEqualTo(10);
            for (int i = 0; i < 500; i++) {
                be.arrive(Request.ROOT, 0);
            }
            // max(minconn, beconn * maxconn / fullconn) = max(10, 500 * 100 / 1000)
            assertThat(s1.dynamicMaxConn()).isEqualTo(50);
        }

        @Test
        void maxconnAloneIsAStaticLimit() {
            BackendTraffic be = backend("    server s1 127.0.0.1:8001 maxconn 7\n");

            assertThat(be.server("s1").dynamicMaxConn()).isEqualTo(7);
            assertThat(be.server("s1").minConn()).isEqualTo(7);
        }
    }

    @Test
    void aBurstOverMaxconnAgainstASlowServerQueuesThenTimesOutWith503() {
        // the runbook's case: maxconn 200, answers in 2 s, timeout queue 1s, 1000 requests at once
        BackendTraffic be = backend("    timeout queue 1s\n    server s1 127.0.0.1:8001 maxconn 200\n");
        List<Decision> burst = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            burst.add(be.arrive(Request.ROOT, 0));
        }
        assertThat(burst).filteredOn(d -> d instanceof Decision.Connect).hasSize(200);
        assertThat(be.queueLength()).isEqualTo(800);

        for (Decision d : burst) {
            if (d instanceof Decision.Queued q) {
                be.queueExpired(q.stream(), q.deadlineNanos());
            } else {
                be.connected(d.stream(), 0);
            }
        }
        for (Decision d : burst) {
            if (d instanceof Decision.Connect) {
                be.responded(d.stream(), 200, 2 * S);
            }
        }

        assertThat(be.terminations(Termination.QUEUE_TIMEOUT)).isEqualTo(800);
        assertThat(be.httpResponses(2)).isEqualTo(200);
        assertThat(be.httpResponses(5)).isEqualTo(800);
        assertThat(be.maxQueueLength()).isEqualTo(800);
        assertThat(be.server("s1").maxSessions()).isEqualTo(200);
        assertThat(be.connectErrors()).isEqualTo(800);
    }

    @Test
    void clientAbortsEndTheStreamWherever() {
        BackendTraffic be = backend("    server s1 127.0.0.1:8001 maxconn 1\n");
        Stream connectedOne = connected(be, be.arrive(Request.ROOT, 0), 0);
        Stream queued = be.arrive(Request.ROOT, 0).stream();

        be.clientAborted(queued, S);
        be.clientAborted(connectedOne, S);

        assertThat(BackendTraffic.terminationState(queued)).isEqualTo("CQ");
        assertThat(BackendTraffic.terminationState(connectedOne)).isEqualTo("CH");
        assertThat(be.clientAborts()).isEqualTo(1);
        assertThat(be.httpResponses(0)).isEqualTo(2);
        assertThat(be.currentSessions()).isZero();
        assertThatThrownBy(() -> be.clientAborted(queued, S)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRecycledStreamComesBackAsTheNextArrivalWithAFreshState() {
        BackendTraffic be = backend("    server s1 127.0.0.1:8001\n");
        Stream first = connected(be, be.arrive(Request.ROOT, 0), 0);
        Decision.Finished done = be.responded(first, 200, S);
        assertThatThrownBy(() -> be.recycle(connected(be, be.arrive(Request.ROOT, S), S)))
                .isInstanceOf(IllegalStateException.class);

        be.recycle(first);
        Decision again = be.arrive(Request.ROOT, 2 * S);

        assertThat(again.stream()).isSameAs(first);
        assertThat(first.id()).isEqualTo(3);
        assertThat(first.phase()).isEqualTo(Stream.Phase.CONNECTING);
        assertThat(first.termination()).isNull();
        assertThat(first.arrivalNanos()).isEqualTo(2 * S);
        // the same decision object as before: nothing allocated
        assertThat(be.responded(connected(be, again, 2 * S), 200, 3 * S)).isSameAs(done);
    }

    @Test
    void automaticServerIdsSkipTheExplicitOnes() {
        BackendTraffic be = backend("    server s1 127.0.0.1:8001\n    server s2 127.0.0.1:8002 id 1\n"
                + "    server s3 127.0.0.1:8003\n");

        assertThat(be.servers()).extracting(ServerTraffic::puid).containsExactly(2, 1, 3);
    }
}
