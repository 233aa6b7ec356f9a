package io.haprobe.conformance;

import io.haprobe.tls.Certificates;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes the differential corpus: the hand-written sources of {@code src/test/resources/corpus/} ({@code base/}
 * covers the keywords, {@code base/error-*} are meant to be rejected, {@code realworld/} are production shapes),
 * synthesized production-style files, and seeded mutations of all of them ({@link CorpusMutator}), up to a target
 * size. The same seed gives the same files, names and contents (but for {@code @FILES@}, the absolute path of the
 * referenced files, which depends on where the build runs).
 *
 * <p>Sources name what they reference with two placeholders: {@code @FILES@} becomes the absolute path of
 * {@code files/} next to the corpus (error pages, Lua, maps, an SPOE and an OpenTracing configuration, and TLS
 * files made here at each run: a CA, a certificate, a CRL, ticket keys), and {@code @SELF@} the file's own name
 * without {@code .cfg}, for paths HAProxy creates even under {@code -c} (a ring's backing file), so that files
 * checked at the same time never share one. Not thread-safe.
 */
final class CorpusGenerator {

    /** The default number of files. */
    static final int DEFAULT_SIZE = 2400;
    /** The default seed. */
    static final long DEFAULT_SEED = 2_612L;

    private static final int SYNTHESIZED = 24;
    /** An error base gets this fraction of a valid source's mutations: most of its mutants are errors anyway. */
    private static final double ERROR_WEIGHT = 0.25;
    private static final List<String> OT_PLUGIN_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/usr/lib64", "/usr/lib", "/usr/local/lib");

    private final Path dir;
    private final int size;
    private final long seed;
    private final List<String> skipped = new ArrayList<>();

    /**
     * A source before mutation.
     *
     * @param label    its label, e.g. {@code base-options}
     * @param category its category
     * @param lines    its lines, placeholders not yet replaced
     */
    private record Source(String label, CorpusFile.Category category, List<String> lines) {
    }

    /**
     * Creates a generator.
     *
     * @param dir  the corpus directory; its {@code *.cfg} and {@code files/} are replaced
     * @param size how many files to write in all (sources and mutants), at least the number of sources
     * @param seed the seed of the synthesized files and the mutations
     */
    CorpusGenerator(Path dir, int size, long seed) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.size = size;
        this.seed = seed;
    }

    /**
     * Writes the corpus.
     *
     * @return every file written, sources first, in name order
     * @throws IOException if a file cannot be written or a resource read
     */
    List<CorpusFile> generate() throws IOException {
        clean();
        Path files = dir.resolve("files");
        Optional<Path> otPlugin = otPlugin();
        materializeFiles(files, otPlugin);
        List<Source> sources = new ArrayList<>();
        for (Path file : resources("base")) {
            String name = stem(file);
            if (name.equals("opentracing") && otPlugin.isEmpty()) {
                skipped.add("base/opentracing.cfg: no libopentracing_mocktracer.so in " + OT_PLUGIN_DIRS);
                continue;
            }
            CorpusFile.Category category = name.startsWith("error-") ? CorpusFile.Category.ERROR_BASE
                    : CorpusFile.Category.BASE;
            sources.add(new Source("base-" + name, category, Files.readAllLines(file)));
        }
        for (Path file : resources("realworld")) {
            sources.add(new Source("realworld-" + stem(file), CorpusFile.Category.REAL_WORLD,
                    Files.readAllLines(file)));
        }
        CorpusSynthesizer synthesizer = new CorpusSynthesizer(new Random(seed));
        for (int i = 1; i <= SYNTHESIZED; i++) {
            sources.add(new Source(String.format("synth-%02d", i), CorpusFile.Category.SYNTHESIZED,
                    synthesizer.synthesize(i)));
        }

        List<CorpusFile> written = new ArrayList<>();
        Set<String> contents = new HashSet<>();
        int sequence = 0;
        for (Source source : sources) {
            String name = String.format("%04d-%s.cfg", ++sequence, source.label());
            write(name, source.lines(), files);
            contents.add(String.join("\n", source.lines()));
            written.add(new CorpusFile(name, source.category(), source.label(), "", 0));
        }
        double weights = sources.stream().mapToDouble(CorpusGenerator::weight).sum();
        int budget = Math.max(0, size - sources.size());
        CorpusMutator mutator = new CorpusMutator();
        CorpusMutator.Kind[] kinds = CorpusMutator.Kind.values();
        double owed = 0;
        for (int s = 0; s < sources.size(); s++) {
            Source source = sources.get(s);
            owed += budget * weight(source) / weights;
            int quota = (int) Math.round(owed);
            owed -= quota;
            Random random = new Random(seed * 31 + source.label().hashCode());
            int made = 0;
            for (int attempt = 0; made < quota && attempt < quota * 6; attempt++) {
                CorpusMutator.Kind kind = kinds[(s + attempt) % kinds.length];
                Optional<CorpusMutator.Mutant> mutant = mutator.apply(kind, source.lines(), random);
                if (mutant.isEmpty() || !contents.add(String.join("\n", mutant.get().lines()))) {
                    continue;
                }
                String name = String.format("%04d-%s-%s-L%d.cfg", ++sequence, source.label(), mutant.get().label(),
                        mutant.get().line());
                write(name, mutant.get().lines(), files);
                written.add(new CorpusFile(name, CorpusFile.Category.MUTATION, source.label(), mutant.get().label(),
                        mutant.get().line()));
                made++;
            }
        }
        return written;
    }

    /** Returns what could not be generated on this machine and why (e.g. no OpenTracing plugin). */
    List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** The hand-written files of {@code corpus/<folder>} on the test classpath, in name order. */
    static List<Path> resources(String folder) throws IOException {
        Path root = resourceRoot().resolve(folder);
        try (Stream<Path> listing = Files.list(root)) {
            return listing.filter(p -> p.toString().endsWith(".cfg")).sorted().toList();
        }
    }

    private static Path resourceRoot() {
        try {
            return Path.of(Objects.requireNonNull(CorpusGenerator.class.getResource("/corpus"),
                    "corpus/ on the test classpath").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double weight(Source source) {
        return source.category() == CorpusFile.Category.ERROR_BASE ? ERROR_WEIGHT : 1.0;
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".cfg".length());
    }

    private void write(String name, List<String> lines, Path files) throws IOException {
        String stem = name.substring(0, name.length() - ".cfg".length());
        String text = String.join("\n", lines) + "\n";
        text = text.replace("@FILES@", files.toAbsolutePath().toString()).replace("@SELF@", stem);
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private void clean() throws IOException {
        Files.createDirectories(dir);
        if (Files.exists(dir.resolve("files"))) {
            try (Stream<Path> walk = Files.walk(dir.resolve("files"))) {
                for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path path : listing.filter(p -> p.toString().endsWith(".cfg")).toList()) {
                Files.delete(path);
            }
        }
    }

    private static Optional<Path> otPlugin() {
        for (String lib : OT_PLUGIN_DIRS) {
            Path dir = Path.of(lib);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> listing = Files.list(dir)) {
                Optional<Path> found = listing
                        .filter(p -> p.getFileName().toString().startsWith("libopentracing_mocktracer.so"))
                        .sorted().findFirst();
                if (found.isPresent()) {
                    return found;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Optional.empty();
    }

    /** Copies {@code corpus/files/} with its placeholders replaced, then makes the TLS files. */
    private void materializeFiles(Path files, Optional<Path> otPlugin) throws IOException {
        Path root = resourceRoot().resolve("files");
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path source : walk.sorted().toList()) {
                Path target = files.resolve(root.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                    continue;
                }
                String text = Files.readString(source, StandardCharsets.UTF_8)
                        .replace("@FILES@", files.toAbsolutePath().toString())
                        .replace("@OT_PLUGIN@", otPlugin.map(Path::toString).orElse("/nonexistent/libmocktracer.so"));
                Files.writeString(target, text, StandardCharsets.UTF_8);
            }
        }
        Path tls = Files.createDirectories(files.resolve("tls"));
        Instant now = Instant.now();
        Instant from = now.minus(Duration.ofDays(1));
        Instant to = now.plus(Duration.ofDays(30));
        KeyPair caKeys = Certificates.newKeyPair(Certificates.KeyType.EC);
        X509Certificate ca = Certificates.selfSigned(caKeys, "haprobe corpus CA", List.of(), true, from, to);
        KeyPair siteKeys = Certificates.newKeyPair(Certificates.KeyType.EC);
        X509Certificate site = Certificates.issued(siteKeys.getPublic(), "site.example", List.of("site.example",
                "app.example.com", "api.internal"), ca, caKeys.getPrivate(), from, to);
        Files.writeString(tls.resolve("ca.pem"), Certificates.pem(List.of(ca)), StandardCharsets.US_ASCII);
        Files.writeString(tls.resolve("site.pem"), Certificates.pem(List.of(site, ca, siteKeys.getPrivate())),
                StandardCharsets.US_ASCII);
        Files.writeString(tls.resolve("ca-sign.pem"), Certificates.pem(List.of(ca, caKeys.getPrivate())),
                StandardCharsets.US_ASCII);
        Path issuers = Files.createDirectories(tls.resolve("issuers"));
        Files.writeString(issuers.resolve("ca.issuer"), Certificates.pem(List.of(ca)), StandardCharsets.US_ASCII);
        Files.writeString(tls.resolve("crl.pem"), crl(ca, caKeys, from, to), StandardCharsets.US_ASCII);
        Files.writeString(tls.resolve("crt-list.txt"), tls.resolve("site.pem").toAbsolutePath()
                + " [alpn h2,http/1.1] site.example\n", StandardCharsets.US_ASCII);
        Random keys = new Random(seed);
        StringBuilder tickets = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            byte[] key = new byte[80];
            keys.nextBytes(key);
            tickets.append(Base64.getEncoder().encodeToString(key)).append('\n');
        }
        Files.writeString(tls.resolve("tickets.key"), tickets, StandardCharsets.US_ASCII);
    }

    private static String crl(X509Certificate ca, KeyPair caKeys, Instant from, Instant to) {
        try {
            X509v2CRLBuilder builder = new X509v2CRLBuilder(
                    X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), Date.from(from));
            builder.setNextUpdate(Date.from(to));
            byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()))
                    .getEncoded();
            return "-----BEGIN X509 CRL-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(der) + "\n-----END X509 CRL-----\n";
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make the corpus CRL", e);
        }
    }
}
