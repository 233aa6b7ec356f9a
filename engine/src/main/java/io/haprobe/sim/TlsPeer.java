package io.haprobe.sim;

import io.haprobe.internal.sim.VirtualChannel;
import io.haprobe.spi.TlsServerEndpoint;
import io.haprobe.time.Cancellable;
import io.haprobe.time.VirtualScheduler;
import io.netty.buffer.ByteBuf;

import java.util.random.RandomGenerator;

/**
 * A scripted TLS backend's side of one connection ({@link Behaviour.Tls}): the check's bytes go through a real
 * server TLS engine; the records it answers with go back on the virtual clock, in order, the first flight after
 * the behaviour's delay. Once the handshake is done the inner behaviour plays over TLS.
 *
 * <p>Confined to the scheduler's thread.
 */
final class TlsPeer {

    private final Behaviour.Tls behaviour;
    private final TlsServerEndpoint endpoint;
    private final VirtualChannel channel;
    private final VirtualScheduler scheduler;
    private final RandomGenerator random;
    /** The virtual time before which nothing more is delivered, so that records arrive in order. */
    private long readyAtNanos;
    private boolean answeredFirstFlight;
    private boolean started;
    private boolean answered;
    private boolean closed;
    private int headEndMatched;
    private Cancellable pending = Cancellable.NONE;

    TlsPeer(Behaviour.Tls behaviour, TlsServerEndpoint endpoint, VirtualChannel channel, VirtualScheduler scheduler,
            RandomGenerator random) {
        this.behaviour = behaviour;
        this.endpoint = endpoint;
        this.channel = channel;
        this.scheduler = scheduler;
        this.random = random;
    }

    /** The check wrote bytes: TLS records, or plain bytes from a check that does not speak TLS. */
    void received(ByteBuf data) {
        if (closed) {
            return;
        }
        boolean wasDone = endpoint.isHandshakeDone();
        byte[] plain = endpoint.receive(data);
        long extra = 0;
        if (!answeredFirstFlight) {
            answeredFirstFlight = true;
            extra = behaviour.delay().sampleNanos(random);
        }
        flush(extra);
        if (endpoint.isFailed()) {
            closeAfterFlush(false);
            return;
        }
        if (!wasDone && endpoint.isHandshakeDone()) {
            startInner();
        }
        if (plain.length > 0) {
            playInner(plain);
        }
    }

    /** The check closed the connection: nothing more is played. */
    void closed() {
        closed = true;
        pending.cancel();
    }

    /** What the inner behaviour does as soon as the handshake is done. */
    private void startInner() {
        if (started) {
            return;
        }
        started = true;
        Behaviour then = behaviour.then();
        if (then instanceof Behaviour.Close close) {
            play(close.delay(), () -> {
                endpoint.close();
                flush(0);
                closeAfterFlush(false);
            });
        } else if (then instanceof Behaviour.Reset reset) {
            play(reset.delay(), () -> closeAfterFlush(true));
        } else if (then instanceof Behaviour.Tcp tcp && tcp.banner()) {
            answered = true;
            play(tcp.delay(), () -> reply(tcp));
        }
    }

    /** What the inner behaviour does with the check's plain bytes. */
    private void playInner(byte[] plain) {
        if (answered) {
            return;
        }
        Behaviour then = behaviour.then();
        if (then instanceof Behaviour.Http http && scanForHeadEnd(plain)) {
            answered = true;
            play(http.delay(), () -> {
                endpoint.send(http.responseBytes());
                endpoint.close();
                flush(0);
                closeAfterFlush(false);
            });
        } else if (then instanceof Behaviour.Tcp tcp && !tcp.banner()) {
            answered = true;
            play(tcp.delay(), () -> reply(tcp));
        }
    }

    private void reply(Behaviour.Tcp tcp) {
        byte[] reply = tcp.reply();
        if (reply.length > 0) {
            endpoint.send(reply);
        }
        if (tcp.close()) {
            endpoint.close();
        }
        flush(0);
        if (tcp.close()) {
            closeAfterFlush(false);
        }
    }

    /** Delivers the engine's pending records after the ones already on their way, plus {@code extraNanos}. */
    private void flush(long extraNanos) {
        byte[] out = endpoint.takeOutbound();
        if (out.length == 0) {
            return;
        }
        long at = Math.max(readyAtNanos, scheduler.nanoTime() + extraNanos);
        readyAtNanos = at;
        scheduler.schedule(() -> {
            if (!closed) {
                channel.deliver(out);
            }
        }, at - scheduler.nanoTime());
    }

    /** Ends the connection with a FIN, or an RST, after what was flushed so far. */
    private void closeAfterFlush(boolean reset) {
        long at = Math.max(readyAtNanos, scheduler.nanoTime());
        scheduler.schedule(() -> {
            if (closed) {
                return;
            }
            if (reset) {
                channel.reset();
            } else {
                channel.shutdownInput();
            }
        }, at - scheduler.nanoTime());
    }

    private void play(Delay delay, Runnable action) {
        pending = scheduler.schedule(() -> {
            if (!closed) {
                action.run();
            }
        }, delay.sampleNanos(random));
    }

    /** Follows the plain bytes of the request looking for the blank line that ends its head. */
    private boolean scanForHeadEnd(byte[] plain) {
        for (byte b : plain) {
            boolean expectedCr = (headEndMatched & 1) == 0;
            if (b == (expectedCr ? '\r' : '\n')) {
                if (++headEndMatched == 4) {
                    return true;
                }
            } else {
                headEndMatched = b == '\r' ? 1 : 0;
            }
        }
        return false;
    }
}
