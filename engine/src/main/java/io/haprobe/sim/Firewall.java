package io.haprobe.sim;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * A scripted backend's firewall during a phase: connections from a source address outside {@code allow} are
 * dropped (the SYN is never answered: the check ends in L4TOUT, as with {@link Behaviour.Blackhole}) or
 * rejected (an ICMP host-unreachable: the connect fails with {@code EHOSTUNREACH}, and HAProxy reports L4CON
 * with {@code strerror}'s text, {@code No route to host}). Allowed connections meet the phase's behaviour.
 *
 * <p>A check's source address is its server's {@code source} ({@link io.haprobe.config.SourceAddress}), or,
 * without one, the loopback address of the check address's family ({@code 127.0.0.1} or {@code ::1}): the
 * address a simulated host has. An {@code iptables -j REJECT} without {@code --reject-with} answers
 * {@code icmp-port-unreachable}, which a real check reports as {@code Connection refused}; write
 * {@link Behaviour#refuse()} for that.
 *
 * <p>Immutable and thread-safe.
 *
 * @param allow  the CIDRs ({@code 10.0.0.0/8}, {@code 127.0.0.2}, {@code ::1/128}) whose sources pass;
 *               never null, may be empty (nothing passes)
 * @param action what happens to the others; never null
 */
public record Firewall(List<String> allow, Action action) {

    /** No firewall: every source passes. */
    public static final Firewall OPEN = new Firewall(List.of("0.0.0.0/0", "::/0"), Action.DROP);

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if a component or an entry of {@code allow} is null
     * @throws IllegalArgumentException if an entry is not an IP literal with an optional {@code /prefix}
     *                                  within its family's length
     */
    public Firewall {
        allow = List.copyOf(allow);
        Objects.requireNonNull(action, "action");
        for (String cidr : allow) {
            parse(cidr);
        }
    }

    /**
     * Tells whether a connection from {@code source} passes.
     *
     * @param source an IP literal; never null
     * @return true when one entry of {@link #allow()} contains it
     * @throws IllegalArgumentException if {@code source} is not an IP literal
     */
    public boolean allows(String source) {
        byte[] address = literal(source, "source").getAddress();
        for (String cidr : allow) {
            Object[] parsed = parse(cidr);
            byte[] network = (byte[]) parsed[0];
            int bits = (Integer) parsed[1];
            if (network.length == address.length && matches(network, address, bits)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(byte[] network, byte[] address, int bits) {
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >>> (i % 8);
            if ((network[i / 8] & mask) != (address[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static Object[] parse(String cidr) {
        Objects.requireNonNull(cidr, "allow entry");
        int slash = cidr.indexOf('/');
        byte[] network = literal(slash < 0 ? cidr : cidr.substring(0, slash), "allow").getAddress();
        int bits = network.length * 8;
        if (slash >= 0) {
            String prefix = cidr.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(prefix) > bits) {
                throw new IllegalArgumentException("allow: " + cidr + " (expected: an address/prefix with a prefix"
                        + " of 0.." + bits + ")");
            }
            bits = Integer.parseInt(prefix);
        }
        return new Object[] {network, bits};
    }

    /** An IP literal, never a name: nothing is looked up. */
    private static InetAddress literal(String text, String what) {
        boolean plausible = !text.isEmpty() && text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.'
                || c == ':') && (text.indexOf(':') >= 0 || text.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
        if (plausible) {
            try {
                return InetAddress.getByName(text);
            } catch (UnknownHostException e) {
                // not a literal after all; reported below
            }
        }
        throw new IllegalArgumentException(what + ": " + text + " (expected: an IPv4 or IPv6 literal)");
    }

    /** What a firewall does to a connection from a source it does not allow. */
    public enum Action {
        /** The SYN is never answered: the check times out (L4TOUT). */
        DROP,
        /** An ICMP host-unreachable answers: the connect fails with {@code No route to host} (L4CON). */
        REJECT
    }
}
