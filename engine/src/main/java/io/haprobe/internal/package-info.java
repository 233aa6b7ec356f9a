/**
 * Netty handlers and helpers behind the engine, and the check interpreter: {@code CheckSession} runs one
 * {@link io.haprobe.check.CheckProgram} from the events of its connections (pure: no socket, no clock),
 * {@link io.haprobe.internal.CheckDriver} drives it over the connections of one check run, owning the check's deadline
 * and how each connection closes, and {@link io.haprobe.internal.CheckRun} is the driver's Netty adapter over the
 * channels a transport opens ({@link io.haprobe.internal.DirectConnector}: a simulated check needs no channel;
 * {@link io.haprobe.internal.EpollCheckConnection}: neither does a plain live check on epoll).
 * Not API: anything here may change at any time.
 */
package io.haprobe.internal;
