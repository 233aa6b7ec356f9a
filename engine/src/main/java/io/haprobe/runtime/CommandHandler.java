package io.haprobe.runtime;

import java.util.concurrent.CompletionStage;

/**
 * Executes one command of HAProxy's runtime API (management.txt section 9.3) for a {@link StatsSocketServer}
 * session and returns the reply exactly as HAProxy prints it.
 *
 * <p>What the handler receives: one of the {@code ';'}-separated commands of a request line, without its
 * separator and without one trailing {@code '\r'}, with leading and trailing spaces and tabs removed (HAProxy's
 * argument separators; other bytes, a second {@code '\r'} included, are kept, as HAProxy keeps them). Backslash
 * escapes are left as sent ({@code "set var a\;b"} arrives with its backslash): unescaping arguments is part of
 * tokenizing, which is the handler's, as it is {@code cli_parse_request}'s in HAProxy. An empty command (an empty
 * line, or {@code "a;"}) is passed as {@code ""}: HAProxy answers it with its usage message. A command with a
 * payload (its line ends with {@code "<<"}) arrives as that line, {@code '\n'}, then the payload lines joined by
 * {@code '\n'} without the empty line that ended them ({@code "add map #0 <<\nk1 v1\nk2 v2"}; with no payload
 * line, {@code "add map #0 <<\n"}). Bytes are decoded as UTF-8.
 *
 * <p>What the session keeps for itself: {@code prompt} and {@code quit} (first word, any arguments ignored, as in
 * HAProxy) are never passed here. Everything else, {@code help} and unknown commands included, is the handler's.
 *
 * <p>Threading: never called concurrently for one session (the next command waits for the previous reply);
 * called on the server's Netty I/O thread, so it must not block: do slow work elsewhere and complete the stage
 * later, from any thread.
 *
 * <p>{@code
 * CommandHandler handler = command -> CompletableFuture.completedFuture(
 *         command.equals("show version") ? "2.6.12\n" : "Unknown command.\n");
 * }
 */
@FunctionalInterface
public interface CommandHandler {

    /**
     * Executes one command and returns its reply.
     *
     * @param command the command as described above, never {@code null}, possibly empty
     * @return the full reply text, possibly empty, its lines ending with {@code "\n"} (the session adds the empty
     *         line or prompt that follows every reply); a {@code null} stage or value, an exception thrown here or
     *         a stage completed exceptionally is answered with HAProxy's {@code "Internal error.\n"} and the
     *         session goes on
     */
    CompletionStage<String> execute(String command);
}
