/**
 * The in-memory Netty channel and event loop of simulated mode: a check's channel whose peer is a scripted
 * backend, on virtual time. Not API: anything here may change at any time.
 */
package io.haprobe.internal.sim;
