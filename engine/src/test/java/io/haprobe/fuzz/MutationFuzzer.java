package io.haprobe.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A seeded mutation fuzzer for JUnit tests: runs a {@link FuzzTarget} on every seed as given, then on inputs
 * the {@link Mutator} derives from the corpus, until its time budget is spent; an input whose label is new joins
 * the corpus. Every throwable out of the target is a crash, and so is an input that runs longer than the hang
 * limit. Distinct crashes (by exception type and first haprobe stack frame) are kept with their first input,
 * shrunk by deleting spans while the same crash stays, and written under {@code target/fuzz/<name>/}.
 *
 * <table>
 *   <caption>System properties (docs/fuzzing.md)</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code fuzz.seconds}</td><td>the test's own budget (a few seconds)</td><td>time per target</td></tr>
 *   <tr><td>{@code fuzz.seed}</td><td>a fresh random value, printed</td><td>the run's seed</td></tr>
 *   <tr><td>{@code fuzz.iterations}</td><td>0: bounded by time</td><td>run exactly this many inputs instead: with
 *       the seed, replays a run input for input</td></tr>
 *   <tr><td>{@code fuzz.hangSeconds}</td><td>10</td><td>one input running longer is a crash ({@code hang})</td></tr>
 *   <tr><td>{@code fuzz.dir}</td><td>{@code target/fuzz}</td><td>where crashing inputs are written</td></tr>
 * </table>
 *
 * <p>Deterministic for a seed and an input count: input {@code i} is made from a random source seeded by the
 * run's seed and {@code i}, and the corpus grows only from labels, so {@code -Dfuzz.seed=S -Dfuzz.iterations=N}
 * replays the first {@code N} inputs of a run exactly, whatever the machine's speed.
 *
 * <p>The target runs on a daemon worker thread, one input at a time; {@link #run()} waits for it on the
 * caller's thread, watching for hangs. Not thread-safe: run one fuzzer at a time.
 *
 * <pre>{@code
 * FuzzReport report = MutationFuzzer.builder("haproxy.cfg parser", (input, random) -> parse(input))
 *         .seeds(seeds).dictionary(List.of("backend", "server", "check")).seconds(5).build().run();
 * System.out.print(report.summary());
 * report.assertNoCrash();
 * }</pre>
 */
public final class MutationFuzzer {

    private static final long TARGET_SALT = 0x7a3c_1f5e_9b2d_4c61L;
    private static final int MAX_CORPUS = 4_000;
    private static final int MAX_CORPUS_INPUT_BYTES = 8_192;
    private static final int MAX_DISTINCT_CRASHES = 20;
    private static final int MAX_MINIMIZE_RUNS = 4_000;
    private static final long MAX_MINIMIZE_NANOS = 10_000_000_000L;
    private static final long WATCH_MILLIS = 200;

    private final String name;
    private final FuzzTarget target;
    private final List<byte[]> seeds;
    private final List<byte[]> dictionary;
    private final int maxInputBytes;
    private final long budgetNanos;
    private final long seed;
    private final long iterations;
    private final long hangNanos;
    private final Path dir;

    // written by the worker, read by the watching thread
    private volatile long currentStartNanos;
    private volatile byte[] currentInput;
    private volatile boolean stop;

    // confined to the worker until it ends
    private final List<byte[]> corpus = new ArrayList<>();
    private final Map<String, Long> outcomes = new HashMap<>();
    private final Map<String, CrashBuilder> crashes = new LinkedHashMap<>();
    private long inputs;
    private long slowestNanos;
    private String slowestLabel = "-";
    private byte[] slowestInput;
    private Throwable workerFailure;

    private MutationFuzzer(Builder builder) {
        this.name = builder.name;
        this.target = builder.target;
        this.seeds = List.copyOf(builder.seeds);
        this.dictionary = List.copyOf(builder.dictionary);
        this.maxInputBytes = builder.maxInputBytes;
        double seconds = Double.parseDouble(System.getProperty("fuzz.seconds", Double.toString(builder.seconds)));
        this.budgetNanos = (long) (seconds * 1e9);
        String seedProperty = System.getProperty("fuzz.seed", "");
        if (builder.seed != null) {
            this.seed = builder.seed;
        } else {
            this.seed = seedProperty.isBlank() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(seedProperty);
        }
        this.iterations = builder.iterations != null ? builder.iterations
                : Long.parseLong(System.getProperty("fuzz.iterations", "0"));
        double hangSeconds = builder.hangSeconds != null ? builder.hangSeconds
                : Double.parseDouble(System.getProperty("fuzz.hangSeconds", "10"));
        this.hangNanos = (long) (hangSeconds * 1e9);
        this.dir = Path.of(System.getProperty("fuzz.dir", "target/fuzz"))
                .resolve(name.replaceAll("[^A-Za-z0-9._-]+", "-"));
    }

    /**
     * Starts a fuzzer.
     *
     * @param name   the target's name in reports and file names, e.g. {@code haproxy.cfg parser}; never null
     * @param target the code under fuzzing; never null
     * @return a builder
     */
    public static Builder builder(String name, FuzzTarget target) {
        return new Builder(name, target);
    }

    /**
     * Runs the target until the budget is spent (or {@code fuzz.iterations} inputs ran), then shrinks the
     * crashing inputs. Prints the {@linkplain FuzzReport#summary() summary} to standard output.
     *
     * @return what the run did; its {@link FuzzReport#assertNoCrash()} fails the test on a crash
     * @throws IllegalStateException if the fuzzer itself failed (not the target)
     */
    public FuzzReport run() {
        long start = System.nanoTime();
        Thread worker = new Thread(this::work, "fuzz-" + name);
        worker.setDaemon(true);
        worker.start();
        Throwable hang = null;
        byte[] hangInput = null;
        long hangIteration = 0;
        try {
            while (worker.isAlive()) {
                worker.join(WATCH_MILLIS);
                long started = currentStartNanos;
                if (started != 0 && System.nanoTime() - started > hangNanos && worker.isAlive()) {
                    synchronized (this) {
                        hangIteration = inputs;
                    }
                    hangInput = currentInput;
                    hang = new Throwable("one input ran longer than " + hangNanos / 1_000_000_000.0
                            + " s (fuzz.hangSeconds); the stuck worker's stack follows");
                    hang.setStackTrace(worker.getStackTrace());
                    stop = true;
                    worker.interrupt();
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop = true;
            throw new IllegalStateException("interrupted while fuzzing " + name, e);
        }
        if (workerFailure != null) {
            throw new IllegalStateException("the fuzzer failed (not the target): " + workerFailure, workerFailure);
        }
        List<FuzzReport.Crash> found = new ArrayList<>();
        Map<String, Long> outcomesCopy;
        long inputsCopy;
        int corpusSize;
        long slowest;
        String slowestWhat;
        synchronized (this) {
            for (CrashBuilder crash : crashes.values()) {
                found.add(write(crash.toCrash()));
            }
            outcomesCopy = new HashMap<>(outcomes);
            inputsCopy = inputs;
            corpusSize = corpus.size();
            slowest = slowestNanos;
            slowestWhat = slowestLabel;
        }
        if (hang != null) {
            byte[] input = hangInput == null ? new byte[0] : hangInput;
            found.add(write(new FuzzReport.Crash("hang", hangIteration, 1, input, input, hang, null)));
        }
        long lastIteration = found.stream().mapToLong(FuzzReport.Crash::iteration).max().orElse(inputsCopy - 1);
        FuzzReport report = new FuzzReport(name, seed, inputsCopy, (int) Math.min(seeds.size(), inputsCopy),
                System.nanoTime() - start, outcomesCopy, corpusSize, slowest, slowestWhat, found,
                "-Dfuzz.seed=" + seed + " -Dfuzz.iterations=" + (lastIteration + 1));
        System.out.print(report.summary());
        writeOutcomes(outcomesCopy);
        writeSlowest();
        return report;
    }

    @Override
    public String toString() {
        return "MutationFuzzer[" + name + ", seeds=" + seeds.size() + ", dictionary=" + dictionary.size()
                + ", budget=" + budgetNanos / 1e9 + " s, seed=" + seed + ", iterations=" + iterations + "]";
    }

    private void work() {
        try {
            synchronized (this) {
                corpus.addAll(seeds);
            }
            if (corpus.isEmpty()) {
                corpus.add(new byte[0]);
            }
            Mutator mutator = new Mutator(corpus, dictionary, maxInputBytes);
            long deadline = System.nanoTime() + budgetNanos;
            for (long i = 0; !stop; i++) {
                boolean done = iterations > 0 ? i >= iterations : i >= seeds.size() && System.nanoTime() >= deadline;
                if (done) {
                    break;
                }
                byte[] input = i < seeds.size() ? seeds.get((int) i).clone() : mutator.next(inputRandom(i));
                runOne(i, input);
            }
            if (!stop) {
                minimizeAll();
            }
        } catch (Throwable t) {
            workerFailure = t;
        }
    }

    private void runOne(long iteration, byte[] input) {
        currentInput = input;
        long started = System.nanoTime();
        currentStartNanos = started;
        String label;
        Throwable crash = null;
        try {
            label = Objects.requireNonNull(target.run(input.clone(), targetRandom(iteration)), "label");
        } catch (Throwable t) {
            label = "CRASH " + signature(t);
            crash = t;
        }
        long took = System.nanoTime() - started;
        currentStartNanos = 0;
        if (stop) {
            // a hang was reported and this worker interrupted: what the input did next is not a finding
            return;
        }
        synchronized (this) {
            inputs++;
            if (took > slowestNanos) {
                slowestNanos = took;
                slowestInput = input;
                slowestLabel = label + ", iteration " + iteration;
            }
            Long before = outcomes.merge(label, 1L, Long::sum);
            if (crash != null) {
                String signature = signature(crash);
                CrashBuilder known = crashes.get(signature);
                if (known != null) {
                    known.count++;
                } else if (crashes.size() < MAX_DISTINCT_CRASHES) {
                    crashes.put(signature, new CrashBuilder(signature, iteration, input, crash));
                }
            } else if (before == 1L && corpus.size() < MAX_CORPUS && input.length <= MAX_CORPUS_INPUT_BYTES) {
                corpus.add(input);
            }
        }
    }

    /** Shrinks each crash's input by deleting spans, halving their size, while the same signature stays. */
    private void minimizeAll() {
        List<CrashBuilder> list;
        synchronized (this) {
            list = new ArrayList<>(crashes.values());
        }
        for (CrashBuilder crash : list) {
            long deadline = System.nanoTime() + MAX_MINIMIZE_NANOS;
            int runs = 0;
            byte[] best = crash.input;
            for (int chunk = Math.max(1, best.length / 2); chunk >= 1 && !stop; chunk /= 2) {
                boolean progress = true;
                while (progress && !stop) {
                    progress = false;
                    for (int at = 0; at + chunk <= best.length; ) {
                        if (++runs > MAX_MINIMIZE_RUNS || System.nanoTime() > deadline || stop) {
                            crash.minimized = best;
                            return;
                        }
                        byte[] candidate = new byte[best.length - chunk];
                        System.arraycopy(best, 0, candidate, 0, at);
                        System.arraycopy(best, at + chunk, candidate, at, best.length - at - chunk);
                        if (crash.signature.equals(signatureOf(candidate, crash.iteration))) {
                            best = candidate;
                            progress = true;
                        } else {
                            at += chunk;
                        }
                    }
                }
                if (chunk == 1) {
                    break;
                }
            }
            crash.minimized = best;
        }
    }

    private String signatureOf(byte[] input, long iteration) {
        currentInput = input;
        currentStartNanos = System.nanoTime();
        try {
            target.run(input.clone(), targetRandom(iteration));
            return "";
        } catch (Throwable t) {
            return signature(t);
        } finally {
            currentStartNanos = 0;
        }
    }

    private SplittableRandom inputRandom(long iteration) {
        return new SplittableRandom(seed * 0x9e37_79b9_7f4a_7c15L + iteration);
    }

    private SplittableRandom targetRandom(long iteration) {
        return new SplittableRandom((seed ^ TARGET_SALT) * 0xbf58_476d_1ce4_e5b9L + iteration);
    }

    private FuzzReport.Crash write(FuzzReport.Crash crash) {
        try {
            Files.createDirectories(dir);
            String base = "crash-" + seed + "-" + crash.iteration();
            Files.write(dir.resolve(base + ".bin"), crash.input());
            Files.write(dir.resolve(base + ".min.bin"), crash.minimized());
            StringWriter trace = new StringWriter();
            crash.cause().printStackTrace(new PrintWriter(trace));
            Files.writeString(dir.resolve(base + ".txt"), crash.describe() + "\n" + trace, StandardCharsets.UTF_8);
            return new FuzzReport.Crash(crash.signature(), crash.iteration(), crash.count(), crash.input(),
                    crash.minimized(), crash.cause(), dir.resolve(base + ".bin"));
        } catch (IOException e) {
            return crash;
        }
    }

    /** Writes every outcome with its count, most frequent first, for a look at what a run reached. */
    private void writeOutcomes(Map<String, Long> counts) {
        StringBuilder text = new StringBuilder();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> text.append(e.getValue()).append('\t').append(e.getKey()).append('\n'));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("outcomes-" + seed + ".tsv"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.out.println("fuzz[" + name + "]: cannot write the outcomes: " + e);
        }
    }

    /** Writes the slowest input, the first suspect of a run that went slower than expected. */
    private synchronized void writeSlowest() {
        if (slowestInput == null) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("slowest-" + seed + ".bin"), slowestInput);
        } catch (IOException e) {
            System.out.println("fuzz[" + name + "]: cannot write the slowest input: " + e);
        }
    }

    /**
     * A crash's identity: for an assertion of the target, its normalized message; else the exception type and
     * the first stack frame in haprobe code outside this package (the first frame if there is none).
     */
    static String signature(Throwable t) {
        if (t instanceof AssertionError) {
            return "AssertionError: " + Labels.of(t.getMessage());
        }
        StackTraceElement[] trace = t.getStackTrace();
        StackTraceElement where = trace.length == 0 ? null : trace[0];
        for (StackTraceElement frame : trace) {
            if (frame.getClassName().startsWith("io.haprobe.")
                    && !frame.getClassName().startsWith(MutationFuzzer.class.getPackageName() + ".")) {
                where = frame;
                break;
            }
        }
        return t.getClass().getName() + " at " + where;
    }

    /** Collects one distinct crash while the run goes on. */
    private static final class CrashBuilder {
        private final String signature;
        private final long iteration;
        private final byte[] input;
        private final Throwable cause;
        private long count = 1;
        private byte[] minimized;

        CrashBuilder(String signature, long iteration, byte[] input, Throwable cause) {
            this.signature = signature;
            this.iteration = iteration;
            this.input = input;
            this.cause = cause;
            this.minimized = input;
        }

        FuzzReport.Crash toCrash() {
            return new FuzzReport.Crash(signature, iteration, count, input, minimized, cause, null);
        }
    }

    /**
     * Configures a {@link MutationFuzzer}. Not thread-safe.
     */
    public static final class Builder {
        private final String name;
        private final FuzzTarget target;
        private final List<byte[]> seeds = new ArrayList<>();
        private final List<byte[]> dictionary = new ArrayList<>();
        private int maxInputBytes = 64 * 1024;
        private double seconds = 5;
        private Long seed;
        private Long iterations;
        private Double hangSeconds;

        private Builder(String name, FuzzTarget target) {
            this.name = Objects.requireNonNull(name, "name");
            this.target = Objects.requireNonNull(target, "target");
        }

        /**
         * Adds inputs that are run as given first and then mutated.
         *
         * @param inputs the seeds; never null
         * @return this builder
         */
        public Builder seeds(List<byte[]> inputs) {
            inputs.forEach(input -> seeds.add(input.clone()));
            return this;
        }

        /**
         * Adds tokens of the input language, as UTF-8, for the mutator to insert.
         *
         * @param tokens the tokens; never null
         * @return this builder
         */
        public Builder dictionary(List<String> tokens) {
            tokens.forEach(token -> dictionary.add(token.getBytes(StandardCharsets.UTF_8)));
            return this;
        }

        /**
         * Sets the time budget used when {@code fuzz.seconds} is not set.
         *
         * @param value seconds, {@code >= 0}; default 5; 0 runs the seeds only
         * @return this builder
         * @throws IllegalArgumentException if {@code value < 0}
         */
        public Builder seconds(double value) {
            if (!(value >= 0)) {
                throw new IllegalArgumentException("seconds: " + value + " (expected: >= 0)");
            }
            this.seconds = value;
            return this;
        }

        /**
         * Sets the longest input the mutator makes.
         *
         * @param bytes the bound, {@code >= 1}; default 64 KiB
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes < 1}
         */
        public Builder maxInputBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxInputBytes: " + bytes + " (expected: >= 1)");
            }
            this.maxInputBytes = bytes;
            return this;
        }

        /**
         * Fixes the run's seed, whatever {@code fuzz.seed} says: for tests of the fuzzer itself.
         *
         * @param value the seed
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Fixes the number of inputs, whatever {@code fuzz.iterations} and {@code fuzz.seconds} say: for tests of
         * the fuzzer itself.
         *
         * @param value the count, {@code >= 1}
         * @return this builder
         * @throws IllegalArgumentException if {@code value < 1}
         */
        public Builder iterations(long value) {
            if (value < 1) {
                throw new IllegalArgumentException("iterations: " + value + " (expected: >= 1)");
            }
            this.iterations = value;
            return this;
        }

        /**
         * Fixes the hang limit, whatever {@code fuzz.hangSeconds} says: for tests of the fuzzer itself.
         *
         * @param value seconds, {@code > 0}
         * @return this builder
         * @throws IllegalArgumentException if {@code value <= 0}
         */
        public Builder hangSeconds(double value) {
            if (!(value > 0)) {
                throw new IllegalArgumentException("hangSeconds: " + value + " (expected: > 0)");
            }
            this.hangSeconds = value;
            return this;
        }

        /**
         * Makes the fuzzer, reading the {@code fuzz.*} system properties for what was not fixed here.
         *
         * @return the fuzzer
         * @throws NumberFormatException if a {@code fuzz.*} property is not a number
         */
        public MutationFuzzer build() {
            return new MutationFuzzer(this);
        }
    }
}
