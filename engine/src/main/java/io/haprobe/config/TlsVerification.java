package io.haprobe.config;

/**
 * How a server's certificate is verified by its TLS checks (CFG §5.2 {@code verify}, {@code verifyhost},
 * {@code ca-file}; spec §6.2).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code required}</td><td>null (global {@code ssl-server-verify}, itself {@code required})</td>
 *       <td>{@code verify none|required}</td><td>verify the server's certificate chain against {@code caFile}</td></tr>
 *   <tr><td>{@code host}</td><td>null</td><td>{@code verifyhost}</td>
 *       <td>the name the certificate must carry when no SNI is sent</td></tr>
 *   <tr><td>{@code caFile}</td><td>null</td><td>{@code ca-file} (with {@code ca-base})</td><td>PEM bundle of the
 *       trusted CAs; a relative path is relative to the working directory, as HAProxy reads it</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param required true for {@code verify required}, false for {@code verify none}, null when not given
 * @param host     {@code verifyhost}, or null
 * @param caFile   {@code ca-file} with {@code ca-base} applied to a relative path, or null
 */
public record TlsVerification(Boolean required, String host, String caFile) {

    /** No verification keyword: the global {@code ssl-server-verify} decides, no name, no CA file. */
    public static final TlsVerification DEFAULT = new TlsVerification(null, null, null);
}
