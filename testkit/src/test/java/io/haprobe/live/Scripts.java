package io.haprobe.live;

import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Scripted behaviours the live tests use, named by what the server does. */
final class Scripts {

    private Scripts() {
    }

    /**
     * Answers {@code raw} (ISO-8859-1) once the request head (up to a blank line) is in, without closing.
     *
     * @param raw the raw answer, e.g. {@code "HTTP/1.0 200 OK\r\n\r\n"}
     * @return the behaviour
     */
    static Behaviour answer(String raw) {
        return answerTo("\r\n\r\n", raw);
    }

    /**
     * Answers {@code raw} once {@code request} has come, without closing.
     *
     * @param request the bytes awaited, as ISO-8859-1 text
     * @param raw     the raw answer
     * @return the behaviour
     */
    static Behaviour answerTo(String request, String raw) {
        return dialogue(false, ex(request, raw));
    }

    /**
     * Answers {@code raw} {@code delay} after the request head is in, without closing.
     *
     * @param delay the wait
     * @param raw   the raw answer
     * @return the behaviour
     */
    static Behaviour answerAfter(Duration delay, String raw) {
        return new Behaviour.Dialogue(List.of(new Behaviour.Dialogue.Exchange(ascii("\r\n\r\n"), ascii(raw),
                Delay.of(delay))), false, false);
    }

    /**
     * Reads the request head, then closes its side (a FIN) without answering.
     *
     * @return the behaviour
     */
    static Behaviour readThenClose() {
        return dialogue(true, ex("\r\n\r\n", ""));
    }

    /**
     * Writes {@code text} right after the accept, without reading or closing: an agent answering a checker that
     * sends nothing.
     *
     * @param text the raw reply
     * @return the behaviour
     */
    static Behaviour banner(String text) {
        return banner(ascii(text));
    }

    /**
     * Writes {@code bytes} right after the accept, without reading or closing.
     *
     * @param bytes the raw reply
     * @return the behaviour
     */
    static Behaviour banner(byte[] bytes) {
        return new Behaviour.Tcp(bytes, Delay.NONE, false, true);
    }

    /**
     * Writes {@code bytes} on the check's first bytes, whatever they are, then closes if {@code close}.
     *
     * @param bytes the reply, possibly empty
     * @param close whether a FIN follows
     * @return the behaviour
     */
    static Behaviour replyToAnything(byte[] bytes, boolean close) {
        return new Behaviour.Tcp(bytes, Delay.NONE, close, false);
    }

    static Behaviour.Dialogue dialogue(boolean close, Behaviour.Dialogue.Exchange... exchanges) {
        return new Behaviour.Dialogue(List.of(exchanges), close, false);
    }

    static Behaviour.Dialogue.Exchange ex(String await, String reply) {
        return ex(await, ascii(reply));
    }

    static Behaviour.Dialogue.Exchange ex(String await, byte[] reply) {
        return new Behaviour.Dialogue.Exchange(ascii(await), reply, Delay.NONE);
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
