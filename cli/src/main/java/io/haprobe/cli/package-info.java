/**
 * The {@code haprobe} command line ({@link io.haprobe.cli.Main}): {@code check} runs a haproxy.cfg's checks
 * against real backends, {@code simulate} replays a scenario file on virtual time, {@code demo} runs live
 * checks against embedded backends.
 */
package io.haprobe.cli;
