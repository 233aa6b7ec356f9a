/**
 * The {@code haprobe} command line ({@link io.haprobe.cli.Main}): {@code check} runs a haproxy.cfg's checks
 * against real backends, {@code demo} against embedded ones.
 */
package io.haprobe.cli;
