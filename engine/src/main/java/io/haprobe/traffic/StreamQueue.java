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
    /** True for a server's queue, false for the backend's: which log position a stream's stay here adds to. */
    final boolean ofServer;
    /** Streams handed a connection from this queue so far (HAProxy's {@code queue.idx}). */
    long dequeues;

    StreamQueue(boolean ofServer) {
        this.ofServer = ofServer;
    }

    void add(Stream stream) {
        stream.queue = this;
        stream.queueMark = dequeues;
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
        // the httplog's %sq/%bq: the streams dequeued while it waited, plus one (queue.c adds q->idx - queue_idx
        // on leaving, queue_idx being q->idx - 1 when it entered)
        int position = (int) Math.min(Integer.MAX_VALUE, dequeues - stream.queueMark + 1);
        if (ofServer) {
            stream.serverQueuePosition += position;
        } else {
            stream.backendQueuePosition += position;
        }
    }

    /** Removes a stream that leaves the queue for a connection ({@code pendconn_process_next_strm}). */
    void dequeue(Stream stream) {
        remove(stream);
        dequeues++;
    }

    Stream poll() {
        Stream first = head;
        if (first != null) {
            remove(first);
        }
        return first;
    }
}
