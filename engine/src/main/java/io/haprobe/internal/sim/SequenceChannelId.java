package io.haprobe.internal.sim;

import io.netty.channel.ChannelId;

/**
 * A channel id from a per-simulation counter: cheap, and the same in every run of a scenario (Netty's default
 * id mixes in the process id, a random number and the wall clock).
 *
 * @param value the counter value
 */
public record SequenceChannelId(long value) implements ChannelId {

    @Override
    public String asShortText() {
        return Long.toHexString(value);
    }

    @Override
    public String asLongText() {
        return "virtual-" + Long.toHexString(value);
    }

    @Override
    public int compareTo(ChannelId other) {
        if (other instanceof SequenceChannelId id) {
            return Long.compare(value, id.value);
        }
        return asLongText().compareTo(other.asLongText());
    }

    @Override
    public String toString() {
        return asShortText();
    }
}
