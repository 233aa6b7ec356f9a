package io.haprobe.config;

import java.util.List;
import java.util.Objects;

/**
 * The non-HTTP check option of a backend or listen section (CFG §4.2 {@code option tcp-check},
 * {@code option ssl-hello-chk}, {@code option redis-check}, {@code option smtpchk}, {@code option mysql-check},
 * {@code option pgsql-check}, {@code option ldap-check}). Each one is a prebuilt rule set in HAProxy 2.6; the
 * last check option of a section wins, {@code option httpchk} included.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface CheckOption permits CheckOption.TcpCheck, CheckOption.SslHelloChk, CheckOption.RedisCheck,
        CheckOption.SmtpChk, CheckOption.MysqlCheck, CheckOption.PgsqlCheck, CheckOption.LdapCheck {

    /**
     * {@code option tcp-check} with the section's {@code tcp-check} rules (spec §5).
     *
     * @param rules the rules in declaration order, empty for the plain connect of spec §5.1; never null
     */
    record TcpCheck(List<TcpCheckRule> rules) implements CheckOption {

        /** Copies the list. */
        public TcpCheck {
            rules = List.copyOf(rules);
        }
    }

    /** {@code option ssl-hello-chk}: an SSLv3 ClientHello, the answer must start with 0x15 or 0x16 (spec §6.1). */
    record SslHelloChk() implements CheckOption {
    }

    /** {@code option redis-check}: {@code PING}, expects {@code +PONG}. */
    record RedisCheck() implements CheckOption {
    }

    /**
     * {@code option smtpchk [HELO|EHLO <domain>]}: banner, greeting, {@code QUIT}.
     *
     * @param command the greeting, {@code HELO localhost} by default, e.g. {@code EHLO mail.example.com}; never null
     */
    record SmtpChk(String command) implements CheckOption {

        /** The greeting HAProxy uses when none is given. */
        public static final String DEFAULT_COMMAND = "HELO localhost";

        /**
         * Validates the component.
         *
         * @throws NullPointerException if {@code command} is null
         */
        public SmtpChk {
            Objects.requireNonNull(command, "command");
        }
    }

    /**
     * {@code option mysql-check [user <name> [post-41|pre-41]]}: reads the server's handshake; with a user,
     * also logs in with an empty password and quits.
     *
     * @param user   the user name, or null for the handshake-only check
     * @param post41 true for the MySQL 4.1+ client packet ({@code post-41}, the default), false for {@code pre-41}
     */
    record MysqlCheck(String user, boolean post41) implements CheckOption {
    }

    /**
     * {@code option pgsql-check user <name>}: a startup packet, expects an authentication request.
     *
     * @param user the user name; never null
     */
    record PgsqlCheck(String user) implements CheckOption {

        /**
         * Validates the component.
         *
         * @throws NullPointerException if {@code user} is null
         */
        public PgsqlCheck {
            Objects.requireNonNull(user, "user");
        }
    }

    /** {@code option ldap-check}: an anonymous LDAPv3 bind, expects a successful bind response. */
    record LdapCheck() implements CheckOption {
    }
}
