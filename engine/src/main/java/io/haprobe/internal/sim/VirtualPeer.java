package io.haprobe.internal.sim;

import io.netty.buffer.ByteBuf;

/**
 * The far end of a {@link VirtualChannel}: a scripted backend's side of one connection. It answers the
 * connect ({@link VirtualChannel#accept()}, {@link VirtualChannel#refuse(Throwable)}, or nothing for a
 * blackhole) and later plays bytes, a FIN or an RST through the channel's server-side methods, usually from
 * tasks it schedules on the virtual clock.
 *
 * <p>Called on the scheduler's thread only.
 */
public interface VirtualPeer {

    /**
     * The check asked to connect.
     *
     * @param channel the check's channel, not active yet
     */
    void connectRequested(VirtualChannel channel);

    /**
     * The check wrote bytes.
     *
     * @param channel the check's channel
     * @param data    the bytes, readable from its reader index; only valid during the call, not to be released
     */
    void received(VirtualChannel channel, ByteBuf data);

    /**
     * The check closed the connection (after a verdict or a timeout). Pending plays for it should stop.
     *
     * @param channel the check's channel
     */
    void closed(VirtualChannel channel);
}
