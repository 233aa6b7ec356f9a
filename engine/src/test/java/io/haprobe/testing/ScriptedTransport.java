package io.haprobe.testing;

import io.haprobe.time.Scheduler;
import io.haprobe.transport.ProbeTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * A test {@link ProbeTransport} on a {@link ManualScheduler}: each port plays a behaviour chosen by the
 * virtual time of the connect, over an {@link EmbeddedChannel}. Requests the check writes are recorded and
 * released.
 */
public final class ScriptedTransport implements ProbeTransport {

    private final ManualScheduler scheduler;
    private final Map<Integer, LongFunction<Behaviour>> scripts = new HashMap<>();
    private final List<String> requests = new ArrayList<>();

    public ScriptedTransport(ManualScheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Plays {@code script.apply(virtual nanos at connect)} for connects to {@code port}. */
    public ScriptedTransport port(int port, LongFunction<Behaviour> script) {
        scripts.put(port, script);
        return this;
    }

    public List<String> requests() {
        return requests;
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public ChannelFuture connect(SocketAddress remote, ChannelHandler handler) {
        int port = ((InetSocketAddress) remote).getPort();
        Behaviour behaviour = scripts.getOrDefault(port, t -> Behaviour.refuse()).apply(scheduler.nanoTime());
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast(handler);
        ChannelPromise promise = new DefaultChannelPromise(channel, ImmediateEventExecutor.INSTANCE);
        switch (behaviour.kind) {
            case REFUSE -> promise.setFailure(new ConnectException("Connection refused"));
            case BLACKHOLE -> { }
            case ANSWER, HANG -> {
                try {
                    channel.register();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                promise.setSuccess();
                drainRequests(channel);
                if (behaviour.kind == Kind.ANSWER) {
                    scheduler.schedule(() -> {
                        if (channel.isActive()) {
                            channel.writeInbound(Unpooled.copiedBuffer(behaviour.answer, StandardCharsets.ISO_8859_1));
                            if (channel.isActive()) {
                                channel.pipeline().fireUserEventTriggered(
                                        io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
                            }
                        }
                        drainRequests(channel);
                    }, behaviour.delayNanos);
                }
            }
        }
        return promise;
    }

    @Override
    public void close() {
    }

    private void drainRequests(EmbeddedChannel channel) {
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) out;
            requests.add(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
    }

    enum Kind { REFUSE, BLACKHOLE, ANSWER, HANG }

    /** What a port does with one connection. */
    public static final class Behaviour {
        final Kind kind;
        final String answer;
        final long delayNanos;

        private Behaviour(Kind kind, String answer, long delayNanos) {
            this.kind = kind;
            this.answer = answer;
            this.delayNanos = delayNanos;
        }

        /** Nothing listens: the connect fails with "Connection refused". */
        public static Behaviour refuse() {
            return new Behaviour(Kind.REFUSE, "", 0);
        }

        /** The connect never completes. */
        public static Behaviour blackhole() {
            return new Behaviour(Kind.BLACKHOLE, "", 0);
        }

        /** Accepts and never answers. */
        public static Behaviour hang() {
            return new Behaviour(Kind.HANG, "", 0);
        }

        /** Accepts, then sends {@code answer} and a FIN after {@code delayNanos}. */
        public static Behaviour answer(String answer, long delayNanos) {
            return new Behaviour(Kind.ANSWER, answer, delayNanos);
        }
    }
}
