/**
 * HAProxy's runtime API ("stats socket", management.txt section 9.3): {@link io.haprobe.runtime.CommandHandler}
 * executes one command, {@link io.haprobe.runtime.StatsSocketServer} carries commands and replies over a UNIX
 * socket or a loopback TCP port with HAProxy 2.6's session rules (non-interactive and {@code prompt} modes,
 * {@code ';'} separators, {@code <<} payloads, {@code quit}, the 16384-byte request limit, the 10 s idle
 * timeout).
 *
 * <p>The command language itself (what {@code show stat} answers) is the handler's; the server only moves
 * bytes. The classes named {@code StatsSocket*} are the package's Netty shell; the rest stays free of Netty, as
 * {@code LayeringTest} checks.
 */
package io.haprobe.runtime;
