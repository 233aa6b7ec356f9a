package io.haprobe.tls.internal;

import io.haprobe.config.ConfigException;
import io.haprobe.config.TlsSettings;
import io.haprobe.spi.TlsClientSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a live server's TLS client from its files, as HAProxy loads them at startup: {@code ca-file} (a PEM
 * bundle of CA certificates) and {@code crt} (a PEM certificate, its chain and its key; without a key in the
 * file, the key is read from {@code <crt>.key}, as HAProxy does). A relative path is read from the working
 * directory, as HAProxy 2.6 does (verified: it is not relative to the configuration file; {@code ca-base} and
 * {@code crt-base} were applied by the parser). Errors name the server's line, the keyword and the file.
 *
 * <p>Thread-safe.
 */
public final class ClientFiles {

    private ClientFiles() {
    }

    /**
     * Builds the client of a live server.
     *
     * @param spec the server; never null
     * @return the client
     * @throws ConfigException if a file cannot be read or holds nothing usable
     */
    public static ClientContext load(TlsClientSpec spec) {
        WarmUp.once();
        TlsSettings settings = spec.settings();
        List<X509Certificate> authorities = List.of();
        if (spec.verify()) {
            if (settings.verification().caFile() == null) {
                throw new ConfigException(spec.location(), "'server " + spec.id() + "' : verify is enabled but no CA"
                        + " file specified.");
            }
            String caFile = settings.verification().caFile();
            Pem.Contents contents = read(spec, "ca-file", caFile);
            if (contents.certificates().isEmpty()) {
                throw new ConfigException(spec.location(), "ca-file: no certificate in " + describe(caFile)
                        + " for server " + spec.id() + " (expected: a PEM bundle of CA certificates)");
            }
            authorities = contents.certificates();
        }
        if (settings.crt() == null) {
            return ClientContext.of(spec, authorities, null, List.of());
        }
        Pem.Contents crt = read(spec, "crt", settings.crt());
        if (crt.certificates().isEmpty()) {
            throw new ConfigException(spec.location(), "crt: no certificate in " + describe(settings.crt())
                    + " for server " + spec.id() + " (expected: a PEM certificate and its key)");
        }
        Pem.Contents key = crt;
        if (key.key() == null) {
            String keyFile = settings.crt() + ".key";
            if (!Files.exists(resolve(keyFile))) {
                throw new ConfigException(spec.location(), "crt: no private key in " + describe(settings.crt())
                        + " nor in " + describe(keyFile) + " for server " + spec.id());
            }
            key = read(spec, "crt", keyFile);
            if (key.key() == null) {
                throw new ConfigException(spec.location(), "crt: no private key in " + describe(keyFile)
                        + " for server " + spec.id());
            }
        }
        List<X509Certificate> chain = new ArrayList<>(crt.certificates());
        return ClientContext.of(spec, authorities, key.key(), chain);
    }

    private static Pem.Contents read(TlsClientSpec spec, String keyword, String file) {
        try {
            return Pem.read(Files.readString(resolve(file), StandardCharsets.ISO_8859_1));
        } catch (NoSuchFileException e) {
            throw new ConfigException(spec.location(), keyword + ": cannot read " + describe(file) + " for server "
                    + spec.id() + " (no such file)");
        } catch (AccessDeniedException e) {
            throw new ConfigException(spec.location(), keyword + ": cannot read " + describe(file) + " for server "
                    + spec.id() + " (permission denied)");
        } catch (IOException | InvalidPathException | SecurityException e) {
            throw new ConfigException(spec.location(), keyword + ": cannot read " + describe(file) + " for server "
                    + spec.id() + " (" + e.getMessage() + ")");
        }
    }

    private static Path resolve(String file) {
        return Path.of(file).toAbsolutePath();
    }

    /** The file as written, with where a relative one was looked for. */
    private static String describe(String file) {
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            return "'" + file + "'";
        }
        return path.isAbsolute() ? "'" + file + "'" : "'" + file + "' (read as " + path.toAbsolutePath() + ")";
    }
}
