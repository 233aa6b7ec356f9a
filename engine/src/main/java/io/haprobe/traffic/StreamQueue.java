package io.haprobe.traffic;

/**
 * A FIFO of streams linked through the streams themselves (no allocation per entry, O(1) removal from the
 * middle when a queued stream times out or its client aborts). HAProxy orders a queue by priority class and
 * then by the time of entry; haprobe has no priorities, and entries always join at the time they arrive, so
 * the order is the order of entry.
 *
 * <p>Not thread-safe: confined with its backend.
 */
final class StreamQueue {

    Stream head;
    Stream tail;
    int length;

    void add(Stream stream) {
        stream.queue = this;
        stream.previous = tail;
        stream.next = null;
        if (tail == null) {
            head = stream;
        } else {
            tail.next = stream;
        }
        tail = stream;
        length++;
    }

    void remove(Stream stream) {
        if (stream.queue != this) {
            throw new IllegalStateException("stream " + stream.id() + " is not in this queue");
        }
        if (stream.previous == null) {
            head = stream.next;
        } else {
            stream.previous.next = stream.next;
        }
        if (stream.next == null) {
            tail = stream.previous;
        } else {
            stream.next.previous = stream.previous;
        }
        stream.previous = null;
        stream.next = null;
        stream.queue = null;
        length--;
    }

    Stream poll() {
        Stream first = head;
        if (first != null) {
            remove(first);
        }
        return first;
    }
}
