package io.haprobe.health;

/**
 * The admin states the runtime API can request for a server: {@code set server <backend>/<server> state
 * ready|drain|maint} (spec §1.5, §10.3; {@code enable server} is {@link #READY}, {@code disable server} is
 * {@link #MAINT}).
 */
public enum AdminRequest {
    /** {@code ready}: leave forced drain and forced maintenance. */
    READY,
    /** {@code drain}: enter forced drain, leave forced maintenance. */
    DRAIN,
    /** {@code maint}: enter forced maintenance, leave forced drain. */
    MAINT
}
