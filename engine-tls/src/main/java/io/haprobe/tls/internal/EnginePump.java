package io.haprobe.tls.internal;

import io.haprobe.spi.TlsServerEndpoint;
import io.netty.buffer.ByteBuf;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * The server side of one simulated TLS connection: a server {@link SSLEngine} pumped by hand with the bytes the
 * check wrote. Every record the engine produces (handshake flights, alerts, application data,
 * {@code close_notify}) waits in {@link #takeOutbound()}; delegated tasks run at once, on the caller's thread.
 *
 * <p>Not thread-safe: confined to the simulation's thread.
 */
final class EnginePump implements TlsServerEndpoint {

    private static final byte[] EMPTY = new byte[0];
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final ByteArrayOutputStream outbound = new ByteArrayOutputStream();
    private ByteBuffer in;
    private ByteBuffer app;
    private ByteBuffer net;
    private boolean handshakeDone;
    private boolean failed;
    private boolean inboundClosed;

    EnginePump(SSLEngine engine) {
        this.engine = engine;
        this.in = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        this.app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }

    @Override
    public byte[] receive(ByteBuf data) {
        if (failed || inboundClosed) {
            return EMPTY;
        }
        int length = data.readableBytes();
        if (in.remaining() < length) {
            ByteBuffer larger = ByteBuffer.allocate(in.position() + length + engine.getSession().getPacketBufferSize());
            in.flip();
            larger.put(in);
            in = larger;
        }
        data.getBytes(data.readerIndex(), in.array(), in.arrayOffset() + in.position(), length);
        in.position(in.position() + length);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        try {
            pump(plain);
        } catch (SSLException e) {
            fail();
        }
        return plain.toByteArray();
    }

    @Override
    public void send(byte[] plain) {
        if (failed) {
            return;
        }
        ByteBuffer source = ByteBuffer.wrap(plain);
        try {
            while (source.hasRemaining()) {
                if (!wrap(source)) {
                    return;
                }
            }
        } catch (SSLException e) {
            fail();
        }
    }

    @Override
    public void close() {
        if (failed) {
            return;
        }
        engine.closeOutbound();
        try {
            while (wrap(NOTHING)) {
                if (engine.isOutboundDone()) {
                    return;
                }
            }
        } catch (SSLException e) {
            fail();
        }
    }

    @Override
    public byte[] takeOutbound() {
        byte[] bytes = outbound.toByteArray();
        outbound.reset();
        return bytes;
    }

    @Override
    public boolean isHandshakeDone() {
        return handshakeDone;
    }

    @Override
    public String applicationProtocol() {
        String protocol = handshakeDone ? engine.getApplicationProtocol() : null;
        return protocol == null || protocol.isEmpty() ? null : protocol;
    }

    @Override
    public boolean isFailed() {
        return failed;
    }

    /** Unwraps what came in and wraps what the engine wants to send, until it waits for more bytes. */
    private void pump(ByteArrayOutputStream plain) throws SSLException {
        while (true) {
            SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
            if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
                continue;
            }
            if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                if (!wrap(NOTHING)) {
                    return;
                }
                continue;
            }
            in.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(in, app);
            } finally {
                in.compact();
            }
            noteFinished(result);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                app = enlarge(app, engine.getSession().getApplicationBufferSize());
                continue;
            }
            app.flip();
            plain.write(app.array(), app.arrayOffset() + app.position(), app.remaining());
            app.clear();
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                inboundClosed = true;
                if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                    wrap(NOTHING);
                }
                return;
            }
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                return;
            }
            SSLEngineResult.HandshakeStatus after = result.getHandshakeStatus();
            if (result.bytesConsumed() == 0 && after != SSLEngineResult.HandshakeStatus.NEED_WRAP
                    && after != SSLEngineResult.HandshakeStatus.NEED_TASK) {
                return;
            }
        }
    }

    /** Wraps {@code source} (or nothing) once; returns whether the engine produced or consumed anything. */
    private boolean wrap(ByteBuffer source) throws SSLException {
        while (true) {
            SSLEngineResult result = engine.wrap(source, net);
            noteFinished(result);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                net = enlarge(net, engine.getSession().getPacketBufferSize());
                continue;
            }
            net.flip();
            outbound.write(net.array(), net.arrayOffset() + net.position(), net.remaining());
            net.clear();
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            return result.bytesProduced() > 0 || result.bytesConsumed() > 0;
        }
    }

    /** After a fatal error, the alert the engine prepared goes out; nothing else will. */
    private void fail() {
        failed = true;
        engine.closeOutbound();
        try {
            for (int i = 0; i < 4 && wrap(NOTHING); i++) {
                if (engine.isOutboundDone()) {
                    break;
                }
            }
        } catch (SSLException alreadyFailed) {
            // the engine has nothing more to say
        }
    }

    private void noteFinished(SSLEngineResult result) {
        if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
            handshakeDone = true;
        }
    }

    private void runTasks() {
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            task.run();
        }
    }

    private static ByteBuffer enlarge(ByteBuffer buffer, int atLeast) {
        ByteBuffer larger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, atLeast));
        buffer.flip();
        larger.put(buffer);
        return larger;
    }
}
