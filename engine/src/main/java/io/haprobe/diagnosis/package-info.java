/**
 * Why a server is not UP, in the runbooks' words: a {@link io.haprobe.diagnosis.Diagnosis} names its
 * {@link io.haprobe.diagnosis.Cause} ({@code check-misconfigured}, {@code port-mismatch}, ...), the evidence that
 * was measured and the {@link io.haprobe.diagnosis.Fix}. Pure: values and decisions, no I/O; the follow-up
 * probes that gather evidence are the engine's.
 */
package io.haprobe.diagnosis;
