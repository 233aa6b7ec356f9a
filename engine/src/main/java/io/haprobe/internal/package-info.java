/**
 * Netty handlers and helpers behind the engine, and the check interpreter: {@code CheckSession} runs one
 * {@link io.haprobe.check.CheckProgram} from the events of its connections (pure: no socket, no clock), and
 * {@link io.haprobe.internal.CheckRun} drives it over the channels a transport opens, owning the check's deadline.
 * Not API: anything here may change at any time.
 */
package io.haprobe.internal;
