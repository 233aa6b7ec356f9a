package io.haprobe.internal;

import java.util.List;

/**
 * Turns a Java or Netty I/O exception into the {@code strerror} text HAProxy prints as a check's info, e.g.
 * {@code Connection refused}. Netty's native transport reports {@code connect(..) failed: Connection
 * refused}, NIO {@code Connection refused: /127.0.0.1:8080}; both give {@code Connection refused}.
 *
 * <p>Stateless and thread-safe. Not API.
 */
public final class ErrnoText {

    /** glibc's texts for the errors a check connection can meet, longest first where one contains another. */
    private static final List<String> KNOWN = List.of(
            "Connection refused",
            "Connection reset by peer",
            "Connection timed out",
            "Network is unreachable",
            "No route to host",
            "Host is down",
            "Broken pipe",
            "Cannot assign requested address",
            "Address already in use",
            "Address family not supported by protocol",
            "Permission denied",
            "Operation not permitted",
            "Too many open files in system",
            "Too many open files",
            "Resource temporarily unavailable",
            "Software caused connection abort",
            "Protocol not available");

    private ErrnoText() {
    }

    /**
     * Returns the info HAProxy prints for a failed check connect: the {@code strerror} text, or, when binding
     * the {@code source} address failed, {@code Can't bind to source address (Cannot assign requested address)}
     * (2.6.12's {@code CO_ER_CANT_BIND} text followed by {@code strerror}, verified with {@code source
     * 10.9.9.9}: L4CON with that info).
     *
     * @param cause the connect's exception; may be null
     * @return the info text; empty for null
     */
    public static String ofConnect(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (t instanceof java.net.BindException || message != null && message.startsWith("bind(")) {
                return "Can't bind to source address (" + of(t) + ")";
            }
        }
        return of(cause);
    }

    /**
     * Returns the info HAProxy prints when a check's socket cannot be created: for EMFILE, 2.6.12's
     * {@code CO_ER_PROC_FDLIM} text followed by {@code strerror}, {@code Too many sockets on the process (Too many
     * open files)} (verified under {@code ulimit -n 40}: L4CON, check duration 0ms); for ENFILE
     * {@code CO_ER_SYS_FDLIM}'s, {@code Too many sockets on the system (Too many open files in system)}, from the
     * same code path; else the {@code strerror} text alone, as {@link #of(Throwable)}.
     *
     * @param cause the exception the channel factory threw; may be null
     * @return the info text; empty for null
     */
    public static String ofSocket(Throwable cause) {
        String errno = of(cause);
        return switch (errno) {
            case "Too many open files" -> "Too many sockets on the process (" + errno + ")";
            case "Too many open files in system" -> "Too many sockets on the system (" + errno + ")";
            default -> errno;
        };
    }

    /**
     * Returns the {@code strerror} text for {@code cause}.
     *
     * @param cause the exception from a connect, read or write; may be null
     * @return the text, e.g. {@code Connection refused}; the exception's own message, cut of Netty's call
     *         prefix and address suffix, when no known text is in it; empty for null
     */
    public static String of(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message == null) {
                continue;
            }
            for (String text : KNOWN) {
                if (message.contains(text)) {
                    return text;
                }
            }
        }
        if (cause == null || cause.getMessage() == null) {
            return cause == null ? "" : cause.getClass().getSimpleName();
        }
        String message = cause.getMessage();
        int call = message.indexOf(" failed: ");
        if (call >= 0) {
            message = message.substring(call + " failed: ".length());
        }
        int address = message.indexOf(": /");
        return address >= 0 ? message.substring(0, address) : message;
    }
}
