/**
 * Check programs and their one interpreter. Every check kind compiles into a
 * {@link io.haprobe.check.CheckProgram} of {@link io.haprobe.check.CheckRule}s (connect, send, expect), as
 * HAProxy 2.x turns every check into tcp-check rules; {@link io.haprobe.check.CheckSession} runs a program
 * over whatever channel the transport gives it. HTTP checks send the bytes of
 * {@link io.haprobe.check.HttpRequestEncoder} and are judged by {@link io.haprobe.check.HttpResponseJudge}.
 * Pure: no Netty, no clock.
 */
package io.haprobe.check;
