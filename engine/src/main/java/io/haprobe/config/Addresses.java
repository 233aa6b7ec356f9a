package io.haprobe.config;

/**
 * Reads addresses the way HAProxy 2.6 does ({@code str2sa_range} and {@code str2ip2} in tools.c): the one
 * routine for the address of a {@code server} line and the {@code addr} of {@code tcp-check connect} and
 * {@code http-check connect}.
 *
 * <p>An address is {@code [ipv4@|ipv6@]<host>[:<port>]}. The port follows the last colon unless a closing
 * bracket comes after it, so an IPv6 literal with a port is written {@code [::1]:80} or {@code ::1:80}, and
 * {@code ::1} alone is host {@code :} with port 1, as in HAProxy. IPv4 literals follow {@code inet_aton}
 * (HAProxy falls back to the resolver, which reads {@code 1.2.3}, {@code 010.0.0.1} and {@code 0x7f.1}
 * that way); IPv6 literals follow {@code inet_pton}. Host names are not resolved here.
 *
 * <p>Stateless and thread-safe.
 */
final class Addresses {

    private static final String IPV4_PREFIX = "ipv4@";
    private static final String IPV6_PREFIX = "ipv6@";

    private Addresses() {
    }

    /**
     * Splits an address into its family prefix, host and port text.
     *
     * @param text the address as written; never null
     * @return the parts; never null
     */
    static Parts split(String text) {
        String prefix = "";
        String rest = text;
        if (text.startsWith(IPV4_PREFIX) || text.startsWith(IPV6_PREFIX)) {
            prefix = text.substring(0, IPV4_PREFIX.length());
            rest = text.substring(prefix.length());
        }
        int separator = Math.max(rest.lastIndexOf(':'), rest.lastIndexOf(']'));
        if (separator >= 0 && rest.charAt(separator) == ':') {
            return new Parts(prefix, rest.substring(0, separator), rest.substring(separator + 1));
        }
        return new Parts(prefix, rest, "");
    }

    /**
     * Reads an IP literal as {@code str2ip2} does, brackets allowed around it.
     *
     * @param host   the host part of {@link #split}; never null
     * @param prefix {@code ipv4@}, {@code ipv6@} or empty; a prefix restricts the family
     * @return the literal (IPv4 in dotted-quad form, IPv6 as written, without brackets), the empty string for
     *         an "any" address ({@code *}, nothing, {@code 0.0.0.0}, {@code ::}: HAProxy then uses the
     *         server's address), or null when {@code host} is not an IP literal
     */
    static String ipLiteral(String host, String prefix) {
        String literal = host;
        if (host.startsWith("[")) {
            if (host.length() < 4 || !host.endsWith("]")) {
                return null;
            }
            literal = host.substring(1, host.length() - 1);
        }
        boolean v4Allowed = !prefix.equals(IPV6_PREFIX);
        boolean v6Allowed = !prefix.equals(IPV4_PREFIX);
        if (literal.isEmpty() || literal.equals("*")) {
            return "";
        }
        if (v6Allowed && isIpv6(literal)) {
            return isAnyIpv6(literal) ? "" : literal;
        }
        String ipv4 = v4Allowed ? ipv4(literal) : null;
        if (ipv4 == null) {
            return null;
        }
        return ipv4.equals("0.0.0.0") ? "" : ipv4;
    }

    /**
     * Reads an IPv4 address as {@code inet_aton} does: one to four parts separated by dots, each decimal,
     * octal (a leading {@code 0}) or hexadecimal ({@code 0x}), the last part filling the remaining bytes.
     *
     * @param text the text; never null
     * @return the address in dotted-quad form, or null when {@code text} is not one
     */
    static String ipv4(String text) {
        long[] parts = new long[4];
        int count = 0;
        int i = 0;
        while (true) {
            if (count == 4 || i >= text.length() || !isDigit(text.charAt(i))) {
                return null;
            }
            int base = 10;
            if (text.charAt(i) == '0') {
                base = 8;
                if (i + 1 < text.length() && (text.charAt(i + 1) == 'x' || text.charAt(i + 1) == 'X')) {
                    base = 16;
                    i += 2;
                }
            }
            int start = i;
            long value = 0;
            while (i < text.length() && digit(text.charAt(i), base) >= 0 && value <= 0xFFFF_FFFFL) {
                value = value * base + digit(text.charAt(i), base);
                i++;
            }
            if (base == 16 && i == start) {
                return null;
            }
            parts[count++] = value;
            if (i == text.length()) {
                break;
            }
            if (text.charAt(i) != '.' || value > 0xFF) {
                return null;
            }
            i++;
        }
        long last = parts[count - 1];
        if (last >= 1L << (8 * (5 - count))) {
            return null;
        }
        long address = 0;
        for (int p = 0; p < count - 1; p++) {
            address |= parts[p] << (8 * (3 - p));
        }
        address |= last;
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
                + (address & 0xFF);
    }

    /**
     * Tells whether {@code text} is an IPv6 literal {@code inet_pton} accepts: eight groups of one to four hex
     * digits, at most one {@code ::} standing for one or more zero groups, the last 32 bits possibly in
     * strict dotted-quad form.
     *
     * @param text the text, without brackets; never null
     * @return true for an IPv6 literal
     */
    static boolean isIpv6(String text) {
        int doubleColon = text.indexOf("::");
        if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        String head = doubleColon >= 0 ? text.substring(0, doubleColon) : text;
        String tail = doubleColon >= 0 ? text.substring(doubleColon + 2) : "";
        int headGroups = groups(head, doubleColon < 0);
        int tailGroups = groups(tail, true);
        if (headGroups < 0 || tailGroups < 0) {
            return false;
        }
        int total = headGroups + tailGroups;
        return doubleColon >= 0 ? total <= 7 : total == 8;
    }

    private static boolean isAnyIpv6(String literal) {
        return literal.chars().allMatch(c -> c == ':' || c == '0' || c == '.');
    }

    /**
     * Counts the 16-bit groups of a colon-separated run; a dotted quad may end it when {@code mayEndWithIpv4}.
     *
     * @return the number of groups, or -1 when the run is malformed
     */
    private static int groups(String run, boolean mayEndWithIpv4) {
        if (run.isEmpty()) {
            return 0;
        }
        String[] items = run.split(":", -1);
        int count = 0;
        for (int i = 0; i < items.length; i++) {
            String item = items[i];
            if (i == items.length - 1 && mayEndWithIpv4 && item.indexOf('.') >= 0) {
                if (!isStrictIpv4(item)) {
                    return -1;
                }
                count += 2;
            } else if (item.isEmpty() || item.length() > 4 || !item.chars().allMatch(c -> digit(c, 16) >= 0)) {
                return -1;
            } else {
                count++;
            }
        }
        return count;
    }

    /** {@code inet_pton}'s IPv4: four decimal parts 0..255 without leading zeros. */
    private static boolean isStrictIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Addresses::isDigit)
                    || (part.length() > 1 && part.charAt(0) == '0') || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** The value of an ASCII digit in {@code base} (8, 10 or 16), or -1. */
    private static int digit(int c, int base) {
        int value = -1;
        if (isDigit(c)) {
            value = c - '0';
        } else if (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
            value = Character.toLowerCase(c) - 'a' + 10;
        }
        return value < base ? value : -1;
    }

    /**
     * The parts of an address as written.
     *
     * @param prefix {@code ipv4@}, {@code ipv6@} or empty
     * @param host   what comes before the port separator, brackets kept; never null, may be empty
     * @param port   what follows the port separator; empty when there is none
     */
    record Parts(String prefix, String host, String port) {
    }
}
