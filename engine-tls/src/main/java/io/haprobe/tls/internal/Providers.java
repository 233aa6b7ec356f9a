package io.haprobe.tls.internal;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

import java.security.Provider;

/**
 * The Bouncy Castle providers haprobe uses, as instances: handed to each SSL context, key factory and signer,
 * never installed in {@link java.security.Security}, so the application's own TLS is left alone.
 *
 * <p>Thread-safe.
 */
final class Providers {

    /** Bouncy Castle's cryptography. */
    static final Provider CRYPTO = new BouncyCastleProvider();
    /** Bouncy Castle's JSSE (TLS) on top of {@link #CRYPTO}. */
    static final Provider JSSE = new BouncyCastleJsseProvider(CRYPTO);

    private Providers() {
    }
}
