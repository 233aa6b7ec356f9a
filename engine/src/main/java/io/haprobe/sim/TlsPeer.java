package io.haprobe.sim;

import io.haprobe.spi.TlsServerEndpoint;
import io.haprobe.time.Cancellable;
import io.haprobe.time.Scheduler;
import io.netty.buffer.ByteBuf;

import java.util.random.RandomGenerator;

/**
 * A scripted TLS backend's side of one connection ({@link Behaviour.Tls}): the check's bytes go through a real
 * server TLS engine; the records it answers with go back over the {@link PeerWire}, in order, the first flight
 * after the behaviour's delay. Once the handshake is done the inner behaviour plays over TLS; a failed handshake
 * (or plain bytes from a check that does not speak TLS) ends with the engine's alert and a FIN. Part of the
 * {@link BehaviourPlayer}, so that the simulated transport (virtual time) and the loopback backends (a real
 * socket) play the same bytes at the same moments.
 *
 * <p>Confined to the wire's scheduler thread.
 */
final class TlsPeer {

    private final Behaviour.Tls behaviour;
    private final TlsServerEndpoint endpoint;
    private final PeerWire wire;
    private final Scheduler scheduler;
    private final RandomGenerator random;
    private final BehaviourPlayer.Observer observer;
    /** The time before which nothing more is delivered, so that records arrive in order. */
    private long readyAtNanos;
    private boolean answeredFirstFlight;
    private boolean started;
    private boolean answered;
    private boolean closed;
    private final RequestHeadEnd headEnd = new RequestHeadEnd();
    private Cancellable pending = Cancellable.NONE;

    TlsPeer(Behaviour.Tls behaviour, TlsServerEndpoint endpoint, PeerWire wire, RandomGenerator random,
            BehaviourPlayer.Observer observer) {
        this.behaviour = behaviour;
        this.endpoint = endpoint;
        this.wire = wire;
        this.scheduler = wire.scheduler();
        this.random = random;
        this.observer = observer;
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
            observer.handshakeCompleted(endpoint.applicationProtocol());
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
        if (then instanceof Behaviour.Http http && headEnd.scan(plain)) {
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
        wire.runAt(at, () -> {
            if (!closed) {
                wire.write(out);
            }
        });
    }

    /** Ends the connection with a FIN, or an RST, after what was flushed so far. */
    private void closeAfterFlush(boolean reset) {
        long at = Math.max(readyAtNanos, scheduler.nanoTime());
        wire.runAt(at, () -> {
            if (closed) {
                return;
            }
            if (reset) {
                wire.reset();
            } else {
                wire.fin();
            }
        });
    }

    private void play(Delay delay, Runnable action) {
        pending = scheduler.schedule(() -> {
            if (!closed) {
                action.run();
            }
        }, delay.sampleNanos(random));
    }
}
