/**
 * The one seam for time: {@link io.haprobe.time.Scheduler} answers "now" and runs "later". Live checks use
 * {@link io.haprobe.time.EventLoopScheduler}; simulations use a virtual clock behind the same interface.
 */
package io.haprobe.time;
