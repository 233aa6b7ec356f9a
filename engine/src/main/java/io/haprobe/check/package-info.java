/**
 * Check programs, their compilers and their pure judges. Every check kind compiles into a
 * {@link io.haprobe.check.CheckProgram} of {@link io.haprobe.check.CheckRule}s (connect, send, expect), as
 * HAProxy 2.x turns every check into tcp-check rules. HTTP checks send the bytes of
 * {@link io.haprobe.check.HttpRequestEncoder} and are judged by {@link io.haprobe.check.HttpResponseJudge}
 * (HAProxy's H1 parsing, then the {@code http-check expect} rules); {@code tcp-check expect} and the body rules of
 * {@code http-check expect} share one set of matchers, {@link io.haprobe.check.ContentMatch}. A judge's answer is
 * a {@link io.haprobe.check.CheckVerdict}. The one interpreter that runs a program over a connection lives in
 * {@code io.haprobe.internal}. Pure: no Netty, no clock.
 */
package io.haprobe.check;
