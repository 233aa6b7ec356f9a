package io.haprobe.tls.internal;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

import java.security.Provider;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Bouncy Castle providers haprobe uses, as instances: handed to each SSL context, key factory and signer,
 * never installed in {@link java.security.Security}, so the application's own TLS is left alone.
 *
 * <p>Thread-safe.
 */
final class Providers {

    /**
     * Bouncy Castle's JSSE logs every handshake at INFO, and warns once about JDK security properties it does not
     * parse: noise for a checker that makes a handshake per check. Kept strongly, or the logging framework forgets
     * the levels set here. Levels an application set itself are left alone.
     */
    private static final List<Logger> QUIETED = List.of(
            quiet("org.bouncycastle.jsse", Level.WARNING),
            quiet("org.bouncycastle.jsse.provider.DisabledAlgorithmConstraints", Level.SEVERE));

    /** Bouncy Castle's cryptography. */
    static final Provider CRYPTO = new BouncyCastleProvider();
    /** Bouncy Castle's JSSE (TLS) on top of {@link #CRYPTO}. */
    static final Provider JSSE = new BouncyCastleJsseProvider(CRYPTO);

    private Providers() {
    }

    private static Logger quiet(String name, Level level) {
        Logger logger = Logger.getLogger(name);
        if (logger.getLevel() == null) {
            logger.setLevel(level);
        }
        return logger;
    }
}
