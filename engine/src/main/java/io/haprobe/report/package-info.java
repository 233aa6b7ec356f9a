/**
 * HAProxy's log lines and reports: {@link io.haprobe.report.HaproxyLogFormat} builds the exact health
 * messages of HAProxy 2.6 (spec §8). Pure: no clock, no I/O.
 */
package io.haprobe.report;
