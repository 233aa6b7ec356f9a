/**
 * The haproxy.cfg parser and its immutable model: {@link io.haprobe.config.HaproxyConfig#parse} reads a
 * file into {@link io.haprobe.config.ProxyConfig} sections and {@link io.haprobe.config.ServerConfig}
 * servers, with {@code defaults} inheritance and {@code default-server} presets applied. Malformed input
 * is a {@link io.haprobe.config.ConfigException} whose message starts with {@code file:line:column}; nothing
 * else is ever thrown. Pure: no Netty, no clock.
 */
package io.haprobe.config;
