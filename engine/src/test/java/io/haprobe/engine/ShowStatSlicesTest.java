package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code show stat} written a slice of servers at a time ({@link StatsReport.StatDump}, {@link
 * HealthCheckEngine#executeAsync}): the same text as at once, and the loop's other work between the slices.
 */
class ShowStatSlicesTest {

    private static final String CONFIG = """
            defaults
                mode http
                timeout connect 2s
            frontend fe
                bind 127.0.0.1:18080
                default_backend be
            backend be
                option httpchk GET /
                server s1 10.0.0.1:80 check inter 1s
                server s2 10.0.0.2:80 check inter 1s
                server b1 10.0.0.3:80 check inter 1s backup
                server s4 10.0.0.4:80
                server w20 10.0.0.5:80 check inter 1s weight 20
                server d1 10.0.0.6:80 check inter 1s disabled
            listen li
                bind 127.0.0.1:18081
                server l1 10.0.1.1:80 check inter 1s
                server l2 10.0.1.2:80 check inter 1s
            backend empty
            """;

    @Test
    void aDumpWrittenInSlicesIsTheDumpWrittenAtOnce() {
        Simulation.Builder builder = Simulation.builder(HaproxyConfig.parse("h.cfg", CONFIG));
        for (String s : List.of("be/s1", "be/b1", "be/s4", "be/w20", "be/d1", "li/l1")) {
            builder.script(s, ServerScript.of(Behaviour.http(200)));
        }
        builder.script("be/s2", ServerScript.of(Behaviour.refuse()));
        builder.script("li/l2", ServerScript.of(Behaviour.refuse()));
        try (Simulation sim = builder.build()) {
            sim.runFor(Duration.ofSeconds(10));
            for (String line : List.of("show stat", "show stat up", "show stat no-maint", "show stat be 4 -1",
                    "show stat be 4 2", "show stat -1 2 -1", "show stat -1 1 -1", "show stat li -1 -1",
                    "show stat 3 7 -1", "show stat 99 7 -1", "show stat nowhere 7 -1", "show stat typed")) {
                for (int slice : new int[] {1, 2, 7}) {
                    StatsReport.StatDump dump = sim.engine().runtime().statDump(line);
                    int slices = 1;
                    while (!dump.write(slice)) {
                        slices++;
                    }
                    assertThat(dump.text()).as("%s, slices of %d", line, slice).isEqualTo(sim.engine().execute(line));
                    if (line.equals("show stat") && slice == 1) {
                        assertThat(slices).isEqualTo(8); // one server each, the last one with the rows after it
                    }
                }
            }
        }
    }

    @Test
    void onlyALineOfOneShowStatIsWrittenInSlices() {
        try (Simulation sim = Simulation.builder(HaproxyConfig.parse("h.cfg", CONFIG)).build()) {
            RuntimeApi runtime = sim.engine().runtime();
            assertThat(runtime.statDump("show stat")).isNotNull();
            assertThat(runtime.statDump("  show   stat  up ")).isNotNull();
            assertThat(runtime.statDump("show info")).isNull();
            assertThat(runtime.statDump("show stat;show info")).isNull();
            assertThat(runtime.statDump("show servers state")).isNull();
            assertThat(runtime.statDump("")).isNull();
        }
    }

    /**
     * Live: {@code show stat} and then {@code show info} are queued while the loop is held; the info is answered
     * between the stat's slices, before the stat is done (written at once, the stat would come first), and the
     * stat's text has every row.
     */
    @Test
    void theLoopRunsOtherWorkBetweenTheSlicesOfALiveDump() throws Exception {
        int servers = 10 * HealthCheckEngine.STAT_SLICE;
        StringBuilder cfg = new StringBuilder("backend big\n");
        for (int i = 0; i < servers; i++) {
            cfg.append("    server s").append(i).append(" 127.0.0.1:").append(20000 + i % 1000).append('\n');
        }
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch queued = new CountDownLatch(1);
        AtomicBoolean holdOnce = new AtomicBoolean(true);
        AtomicReference<String> commandEvent = new AtomicReference<>();
        try (HealthCheckEngine engine = HealthCheckEngine.builder(HaproxyConfig.parse("big.cfg", cfg.toString()))
                .threads(1).listenerExecutor(Runnable::run).listener(event -> {
                    if (!(event instanceof HealthEvent.CommandExecuted executed)) {
                        return;
                    }
                    if (executed.command().equals("show stat")) {
                        commandEvent.set(executed.reply());
                    }
                    if (executed.command().equals("show info") && holdOnce.getAndSet(false)) {
                        held.countDown();
                        try {
                            assertThat(queued.await(10, TimeUnit.SECONDS)).isTrue(); // the loop waits here
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }).build()) {
            engine.start();
            engine.executeAsync("show info");
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<String> stat = engine.executeAsync("show stat");
            CompletableFuture<String> info = engine.executeAsync("show info");
            AtomicReference<Boolean> statDoneAtInfo = new AtomicReference<>();
            info.whenComplete((reply, failure) -> statDoneAtInfo.set(stat.isDone()));
            queued.countDown();

            String text = stat.get(10, TimeUnit.SECONDS);
            assertThat(info.get(10, TimeUnit.SECONDS)).startsWith("Name: HAProxy\n");
            assertThat(statDoneAtInfo.get()).isFalse();
            assertThat(text.lines()).hasSize(1 + servers + 1); // the header, the servers, the backend
            assertThat(text.lines().filter(l -> l.startsWith("big,s"))).hasSize(servers);
            // the listeners hear of the command after its reply
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(commandEvent.get()).isEqualTo(text));
        }
    }
}
