/**
 * Embedded loopback backends for {@code haprobe demo} and the CLI's end-to-end tests.
 */
package io.haprobe.cli.demo;
