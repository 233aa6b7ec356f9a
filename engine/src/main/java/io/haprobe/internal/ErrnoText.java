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
            "No buffer space available",
            "Resource temporarily unavailable",
            "Software caused connection abort",
            "Protocol not available");

    private ErrnoText() {
    }

    /**
     * Returns the info HAProxy prints for a failed check connect: the {@code strerror} text, or, when binding
     * the {@code source} address failed, {@code Can't bind to source address (Cannot assign requested address)}
     * (2.6.12's {@code CO_ER_CANT_BIND} text followed by {@code strerror}, verified with {@code source
     * 10.9.9.9}: L4CON with that info). When the socket itself could not be created, HAProxy's connection error
     * text comes first in the same way: {@code Too many sockets on the process (Too many open files)} for
     * {@code EMFILE} ({@code CO_ER_PROC_FDLIM}; verified under {@code ulimit -n 40}: L4CON, check duration 0ms),
     * {@code Too many sockets on the system (Too many open files in system)} for {@code ENFILE}
     * ({@code CO_ER_SYS_FDLIM}), {@code Out of system buffers (No buffer space available)} for {@code ENOBUFS}
     * ({@code CO_ER_SYS_MEMLIM}); the last two are connection.c's texts, not run.
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
        String text = of(cause);
        return switch (text) {
            case "Too many open files" -> "Too many sockets on the process (" + text + ")";
            case "Too many open files in system" -> "Too many sockets on the system (" + text + ")";
            case "No buffer space available" -> "Out of system buffers (" + text + ")";
            default -> text;
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
