package io.haprobe.sim;

import io.haprobe.time.VirtualScheduler;
import io.haprobe.transport.CheckTarget;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulated transport's wire behaviour, seen from plain Netty handlers. */
class SimulatedTransportTest {

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final List<String> seen = new ArrayList<>();

    @Test
    void aCrashResetsEveryConnectionStillOpen() {
        SimulatedTransport transport = new SimulatedTransport(scheduler, Map.of("be/s1", ServerScript.builder()
                .at(Duration.ZERO, Behaviour.hang())
                .at(Duration.ofMillis(100), Behaviour.refuse())
                .build()), new SplittableRandom(1));
        CheckTarget target = new CheckTarget("be", "s1", InetSocketAddress.createUnresolved("10.0.0.1", 80), null);
        scheduler.execute(() -> {
            for (int i = 0; i < 3; i++) {
                transport.connect(target, new Recorder("c" + i));
            }
        });

        scheduler.runFor(Duration.ofMillis(50));
        assertThat(seen).containsExactly("c0 active", "c1 active", "c2 active");
        scheduler.runFor(Duration.ofMillis(100));

        assertThat(seen).containsExactlyInAnyOrder("c0 active", "c1 active", "c2 active",
                "c0 Connection reset by peer", "c1 Connection reset by peer", "c2 Connection reset by peer",
                "c0 inactive", "c1 inactive", "c2 inactive");
    }

    @Test
    void aScriptlessServerRefusesAndAClosedTransportConnectsNothing() {
        SimulatedTransport transport = new SimulatedTransport(scheduler, Map.of(), new SplittableRandom(1));
        CheckTarget target = new CheckTarget("be", "nobody", InetSocketAddress.createUnresolved("10.0.0.9", 80), null);
        scheduler.execute(() -> transport.connect(target, new Recorder("a")).addListener(
                f -> seen.add("a connect " + f.cause().getMessage())));
        scheduler.runFor(0);
        transport.close();
        scheduler.execute(() -> transport.connect(target, new Recorder("b")).addListener(
                f -> seen.add("b connect " + f.cause().getMessage())));
        scheduler.runFor(0);

        assertThat(seen).containsExactly("a connect Connection refused", "b connect simulated transport is closed");
    }

    /** Records what a check handler would see. */
    private final class Recorder extends ChannelInboundHandlerAdapter {

        private final String name;

        Recorder(String name) {
            this.name = name;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            seen.add(name + " active");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen.add(name + " " + cause.getMessage());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            seen.add(name + " inactive");
        }
    }
}
