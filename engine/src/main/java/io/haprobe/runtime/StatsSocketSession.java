package io.haprobe.runtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * One client of the stats socket: HAProxy 2.6's {@code cli_io_handler} over a Netty channel. It cuts the bytes
 * into commands, keeps {@code prompt} and {@code quit}, hands the rest to the {@link CommandHandler} one at a time
 * and writes each reply followed by HAProxy's post-command prompt.
 *
 * <p>The rules, each checked against HAProxy 2.6.12 (see {@code StatsSocketServerLiveTest}):
 * <ul>
 *   <li>A command ends at {@code '\n'} or at a {@code ';'}; a backslash protects the byte after it (a
 *       {@code ';'}, a {@code '\n'} or a backslash) and stays in the command; one {@code '\r'} before the end is
 *       dropped.</li>
 *   <li>A command, with its end, must fit in {@value #REQUEST_LIMIT} bytes (tune.bufsize 16384 less the
 *       trailing nul); a longer one closes the connection without a reply, whatever follows.</li>
 *   <li>After each reply: {@code "\n"} (non-interactive) or {@code "\n> "} (interactive). A non-interactive
 *       session then closes unless more request bytes are already buffered (pipelined commands).</li>
 *   <li>{@code prompt} flips interactive mode (so its own reply is empty, then the prompt); {@code quit} closes
 *       at once without writing anything, commands after it on the line are not run.</li>
 *   <li>A line ending with {@code "<<"} starts a payload: next lines are gathered, without {@code ';'}
 *       splitting, until an empty line; each gathered line is answered with {@code "+ "} in interactive mode
 *       (nothing otherwise). The whole (command and payload) must fit in the same {@value #REQUEST_LIMIT}
 *       bytes.</li>
 *   <li>End of input (the client's shutdown): complete commands already received still run; an incomplete one
 *       is dropped; then the connection closes.</li>
 *   <li>Idle for {@code stats timeout} (10 s) with nothing buffered and no command running: closed silently.
 *       HAProxy does not time out a session holding an incomplete line, and neither does this.</li>
 * </ul>
 *
 * <p>Threading: confined to the channel's event loop; the handler's stage may complete on any thread, its
 * result is carried back to the event loop. Memory: the buffered request never exceeds {@value #REQUEST_LIMIT}
 * bytes plus one read; while a command runs and that much is buffered, reading stops (back-pressure) until the
 * reply is written.
 */
final class StatsSocketSession extends ChannelInboundHandlerAdapter {

    /** tune.bufsize (16384) less the byte HAProxy keeps for the trailing nul of its request chunk. */
    static final int REQUEST_LIMIT = 16383;
    /** HAProxy's reply when a command's output cannot be produced ({@code cli_io_handler}'s abnormal state). */
    static final String INTERNAL_ERROR = "Internal error.\n";
    /** After every reply outside interactive mode: the empty line that ends a reply. */
    static final String END_OF_REPLY = "\n";
    /** After every reply in interactive mode. */
    static final String PROMPT = "\n> ";
    /** After each payload line in interactive mode. */
    static final String PAYLOAD_PROMPT = "+ ";

    private final CommandHandler handler;

    private ChannelHandlerContext ctx;
    /** Request bytes received and not yet consumed; null once the channel is gone. */
    private ByteBuf in;
    private boolean interactive;
    /** A command runs or its reply is being written: no other command starts meanwhile. */
    private boolean busy;
    private boolean inputShutdown;
    private boolean closing;
    /** drain() is on the stack: a reply written at once must not start a nested drain (deep recursion). */
    private boolean draining;
    /** The line that ended with "<<" while a payload is gathered, else null. */
    private String payloadCommand;
    private final StringBuilder payload = new StringBuilder();
    /** Bytes HAProxy's request chunk holds while a payload is gathered (the first line, its nul, each line and LF). */
    private int payloadChunkBytes;

    StatsSocketSession(CommandHandler handler) {
        this.handler = handler;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.in = ctx.alloc().buffer(256, REQUEST_LIMIT * 8);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseInput();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        releaseInput();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        try {
            if (in == null || closing) {
                return;
            }
            if (bytes.readableBytes() > in.maxWritableBytes()) {
                // more than a request can hold, even with what is being consumed: HAProxy gives up too
                close();
                return;
            }
            in.writeBytes(bytes);
        } finally {
            bytes.release();
        }
        if (busy) {
            if (in.readableBytes() >= REQUEST_LIMIT) {
                ctx.channel().config().setAutoRead(false);
            }
            return;
        }
        drain();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            if (!busy) {
                drain();
            }
        } else if (evt instanceof IdleStateEvent) {
            if (!busy && in != null && in.readableBytes() == 0 && payloadCommand == null) {
                close();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset or broken pipe from a client that left: nothing to report, nobody to tell
        close();
    }

    /** Runs the buffered commands one after the other until one is pending, input runs out or the session ends. */
    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            drainLoop();
        } finally {
            draining = false;
        }
    }

    private void drainLoop() {
        while (!busy && !closing && in != null) {
            int limit = REQUEST_LIMIT - payloadChunkBytes;
            int end = findEnd(Math.min(in.readableBytes(), limit));
            if (end < 0) {
                if (in.readableBytes() >= limit || inputShutdown) {
                    close();
                } else {
                    ctx.channel().config().setAutoRead(true);
                }
                return;
            }
            int length = end - in.readerIndex();
            if (length > 0 && in.getByte(end - 1) == '\r') {
                length--;
            }
            String line = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
            in.readerIndex(end + 1);
            in.discardSomeReadBytes();
            if (payloadCommand != null) {
                gather(line, length);
            } else if (line.endsWith("<<")) {
                payloadCommand = line;
                payloadChunkBytes = length + 1;
                writePayloadPrompt();
            } else {
                execute(trim(line));
            }
        }
    }

    /** The index of the byte that ends the next command within {@code max} buffered bytes, or -1. */
    private int findEnd(int max) {
        int start = in.readerIndex();
        int stop = start + max;
        if (payloadCommand != null) {
            return in.indexOf(start, stop, (byte) '\n');
        }
        for (int i = start; i < stop; i++) {
            byte b = in.getByte(i);
            if (b == '\\') {
                i++;
            } else if (b == '\n' || b == ';') {
                return i;
            }
        }
        return -1;
    }

    private void gather(String line, int length) {
        if (!line.isEmpty()) {
            payload.append(line).append('\n');
            payloadChunkBytes += length + 1;
            writePayloadPrompt();
            return;
        }
        if (payload.length() > 0) {
            payload.setLength(payload.length() - 1);
        }
        String command = trim(payloadCommand) + "\n" + payload;
        payloadCommand = null;
        payload.setLength(0);
        payloadChunkBytes = 0;
        execute(command);
    }

    private void writePayloadPrompt() {
        if (interactive) {
            ctx.writeAndFlush(ByteBufUtil.writeAscii(ctx.alloc(), PAYLOAD_PROMPT));
        }
    }

    private void execute(String command) {
        String word = firstWord(command);
        if (word.equals("quit")) {
            close();
            return;
        }
        if (word.equals("prompt")) {
            interactive = !interactive;
            reply("");
            return;
        }
        busy = true;
        CompletionStage<String> stage;
        try {
            stage = handler.execute(command);
        } catch (RuntimeException e) {
            stage = null;
        }
        if (stage == null) {
            reply(INTERNAL_ERROR);
            return;
        }
        stage.whenComplete((text, failure) -> {
            String answer = failure == null && text != null ? text : INTERNAL_ERROR;
            if (ctx.executor().inEventLoop()) {
                reply(answer);
                return;
            }
            try {
                ctx.executor().execute(() -> reply(answer));
            } catch (RejectedExecutionException e) {
                // the server is shutting down: the session is being closed with it
            }
        });
    }

    /** Writes a reply and the prompt that follows it in one flush, then goes on once the socket took them. */
    private void reply(String text) {
        busy = true;
        if (closing || in == null) {
            return;
        }
        String tail = interactive ? PROMPT : END_OF_REPLY;
        ByteBuf out = ctx.alloc().buffer(ByteBufUtil.utf8MaxBytes(text) + tail.length());
        out.writeCharSequence(text, StandardCharsets.UTF_8);
        out.writeCharSequence(tail, StandardCharsets.US_ASCII);
        boolean last = !interactive && in.readableBytes() == 0;
        if (last) {
            closing = true;
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(out).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                close();
                return;
            }
            busy = false;
            drain();
        });
    }

    private void close() {
        closing = true;
        ctx.close();
    }

    private void releaseInput() {
        if (in != null) {
            in.release();
            in = null;
        }
    }

    /** Strips HAProxy's argument separators, spaces and tabs, at both ends. */
    static String trim(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isBlank(s.charAt(from))) {
            from++;
        }
        while (to > from && isBlank(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static String firstWord(String command) {
        int end = 0;
        while (end < command.length() && !isBlank(command.charAt(end)) && command.charAt(end) != '\n') {
            end++;
        }
        return command.substring(0, end);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
