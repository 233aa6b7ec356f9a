/**
 * Netty handlers and helpers behind the engine. Not API: anything here may change at any time.
 */
package io.haprobe.internal;
