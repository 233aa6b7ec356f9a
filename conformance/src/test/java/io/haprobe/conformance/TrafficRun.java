package io.haprobe.conformance;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.Simulation;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.Traffic;
import io.haprobe.testkit.LoopbackBackends;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays one traffic scenario (a {@link ConformanceScenario} with a {@code traffic:} list) two ways and compares
 * them: real HAProxy with a {@link LoadClient} sending the scenario's requests to its frontends and a
 * {@link LoopbackBackends} player answering checks and proxied requests as the scripts say (see
 * {@link TrafficSetup}), and haprobe simulated on virtual time. There is no live traffic mode, so haprobe live is
 * not involved.
 *
 * <p>Compared strictly: the check side as {@link Comparison} compares it (log lines, whose transition lines carry
 * the sessions, requeued and queue counts, each check start, the final {@code show stat} check columns); each
 * request's server, status and termination state in order for {@code sequential} items, their counts for
 * {@code burst} and {@code rate} items; each request's {@code option httplog} line, HAProxy's (from a
 * {@link SyslogListener}) against the simulation's ({@link #compareHttplog}); the final {@code show stat} columns
 * of {@link #COLUMNS} per server and backend. The simulation plays the config HAProxy gets, as far as it matters to
 * it: the harness frontends and {@code option httplog} with a log target ({@link TrafficSetup#simulationText}).
 * A scenario headed {@code # tolerance: N (why)} allows each count of a burst or rate item and each counter of
 * {@link #COLUMNS} to differ by N, {@code # tolerance: COLUMN N (why)} one column alone (open-loop rates against a time-dependent state, such as a slowstart ramp, where
 * real time decides on which side of a step a request falls).
 */
final class TrafficRun {

    /** The {@code show stat} columns compared per server and backend. */
    static final List<String> COLUMNS = List.of("stot", "lbtot", "smax", "qmax", "econ", "eresp", "wretr", "wredis",
            "hrsp_2xx", "hrsp_5xx");
    /** The part of HAProxy's httplog line the comparison reads: client port, backend/server, termination state. */
    static final Pattern HTTPLOG = Pattern.compile("^[0-9.]+:(\\d+) \\[[^\\]]*] (\\S+) ([^/\\s]+)/(\\S+) "
            + "(-?\\d+)/(-?\\d+)/(-?\\d+)/(-?\\d+)/\\+?(-?\\d+) (-?\\d+) \\S+ \\S+ \\S+ (\\S{4}) "
            + "\\d+/\\d+/\\d+/\\d+/\\+?(\\d+) ");
    /**
     * HAProxy 2.6's whole {@code option httplog} line ({@code format raw}), as {@link io.haprobe.report.HttpLog}
     * builds it: 1 client address, 2 port, 3 accept date, 4 frontend, 5 backend, 6 server, 7-11 {@code %TR},
     * {@code %Tw}, {@code %Tc}, {@code %Tr}, {@code %Ta}, 12 status, 13 bytes, 14 termination state (four
     * characters), 15-18 {@code %ac/%fc/%bc/%sc}, 19 {@code %rc} (with its {@code +} when redispatched), 20-21
     * {@code %sq/%bq}, 22 the quoted request line.
     */
    static final Pattern HTTPLOG_LINE = Pattern.compile("^([0-9.]+):(\\d+) \\[([^\\]]*)] (\\S+) ([^/\\s]+)/(\\S+) "
            + "(-?\\d+)/(-?\\d+)/(-?\\d+)/(-?\\d+)/\\+?(-?\\d+) (-?\\d+) (\\d+) \\S+ \\S+ (\\S{4}) "
            + "(\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\+?\\d+) (\\d+)/(\\d+) (\".*\")$");
    /** The fixed part of the tolerance of a request's times, ms. */
    static final long TIME_TOLERANCE_MILLIS = 25;
    private static final Pattern TOLERANCE = Pattern.compile("(?m)^# tolerance: (?:([a-z_0-9]+) )?(\\d+)(.*)$");

    /**
     * One request as a side saw it.
     *
     * @param item        the traffic item's index
     * @param index       its position in the item (send order)
     * @param sentMillis  when it was sent, ms from the scripts' origin
     * @param server      the server that served it last, {@code <NOSRV>} when none
     * @param status      the status the client received, -1 when none
     * @param termination HAProxy's two-character termination state
     * @param retries     the connect retries it took
     * @param queueMillis its time in a queue, HAProxy's {@code %Tw} (-1 when it ended in the queue)
     * @param totalMillis its time from being received to its end, HAProxy's {@code %Ta}
     * @param httplog     its {@code option httplog} line, or null when none was logged
     */
    record Request(int item, int index, double sentMillis, String server, int status, String termination,
                   int retries, long queueMillis, long totalMillis, String httplog) {

        /** Server, status, termination state and, when any, the connect retries: what is compared. */
        String outcome() {
            return server + " " + status + " " + termination + (retries > 0 ? " retries " + retries : "");
        }
    }

    /**
     * What one traffic scenario gave.
     *
     * @param scenario   the scenario
     * @param checks     how haprobe simulated's check side compared with HAProxy's
     * @param traffic    how its traffic compared: one line per difference in what was concluded (empty when
     *                   equal)
     * @param trafficTimings the sequential requests' times that differed beyond their tolerance
     * @param summary    what HAProxy's and the simulation's requests were, one line per item, for the report
     * @param error      why the run itself failed, or null
     * @param first      the first attempt when this is the second, else null
     */
    record Result(ConformanceScenario scenario, Comparison.Outcome checks, List<String> traffic,
                  List<String> trafficTimings, List<String> summary, String error, Result first) {

        boolean divergent() {
            return !scenario.divergences().isEmpty();
        }

        /** Whether haprobe simulated agreed with HAProxy (or the scenario is a stated divergence that ran). */
        boolean passes() {
            return error == null && (divergent() || checks.agrees() && traffic.isEmpty() && trafficTimings.isEmpty());
        }

        /** Whether only timings differed (checks' or requests'), so that a second attempt may decide. */
        boolean onlyTimingsDiffer() {
            return error == null && !passes() && checks.conclusions().isEmpty() && traffic.isEmpty();
        }

        /** Every difference. */
        List<String> differences() {
            List<String> all = new ArrayList<>(checks.all());
            all.addAll(traffic);
            all.addAll(trafficTimings);
            return all;
        }

        boolean retried() {
            return first != null;
        }
    }

    private TrafficRun() {
    }

    /**
     * The tolerances a scenario states: {@code # tolerance: N (why)} for its burst and rate counts and every column
     * of {@link #COLUMNS} (key {@code ""}), {@code # tolerance: COLUMN N (why)} for one column alone. Empty: exact.
     */
    static Map<String, Integer> tolerances(ConformanceScenario scenario) {
        try {
            Map<String, Integer> tolerances = new TreeMap<>();
            Matcher matcher = TOLERANCE.matcher(Files.readString(scenario.file()));
            while (matcher.find()) {
                tolerances.put(matcher.group(1) == null ? "" : matcher.group(1), Integer.parseInt(matcher.group(2)));
            }
            return tolerances;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The tolerance of a scenario's counts ({@code # tolerance: N}), 0 when it states none. */
    static int tolerance(ConformanceScenario scenario) {
        return tolerances(scenario).getOrDefault("", 0);
    }

    /** Runs the scenario, its artifacts under {@code artifacts/<scenario>/}. */
    static Result run(ConformanceScenario scenario, Path artifacts) {
        return run(scenario, artifacts.resolve(scenario.name()), null);
    }

    /** Runs the scenario a second time, its artifacts under {@code artifacts/<scenario>/retry/}. */
    static Result retry(Result first, Path artifacts) {
        return run(first.scenario(), artifacts.resolve(first.scenario().name()).resolve("retry"), first);
    }

    private static Result run(ConformanceScenario scenario, Path dir, Result first) {
        Comparison.Outcome none = new Comparison.Outcome(List.of(), List.of(), List.of());
        try {
            Files.createDirectories(dir);
            return play(scenario, dir, first);
        } catch (Exception | AssertionError e) {
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            try {
                java.io.StringWriter trace = new java.io.StringWriter();
                e.printStackTrace(new java.io.PrintWriter(trace));
                Files.writeString(dir.resolve("error.txt"), error + "\n" + trace);
            } catch (IOException ignored) {
                // the result carries it
            }
            return new Result(scenario, none, List.of(), List.of(), List.of(), error, first);
        }
    }

    /** What haprobe simulated gives: its check-side observation, its requests, its final {@code show stat}. */
    record Simulated(Observation observation, List<Request> requests, String showStat) {
    }

    /** Plays the scenario on virtual time. */
    static Simulated simulate(ConformanceScenario scenario) {
        io.haprobe.testkit.Scenario played = scenario.scenario();
        Simulation.Builder builder = Simulation.builder(HaproxyConfig.parse(scenario.file().toString(),
                TrafficSetup.simulationText(scenario))).seed(played.seed()).epoch(played.epoch());
        played.scripts().forEach(builder::script);
        played.commands().forEach(command -> builder.command(command.at(), command.command()));
        List<Traffic> items = TrafficSetup.throughFrontends(played.traffic());
        items.forEach(builder::traffic);
        try (Simulation simulation = builder.recordChecks(true).build()) {
            List<Observation.Shown> shown = new ArrayList<>();
            for (io.haprobe.testkit.Scenario.Command command : scenario.scenario().commands()) {
                if (command.at().toNanos() > scenario.scenario().durationNanos()) {
                    break;
                }
                simulation.runUntil(command.at());
                shown.add(new Observation.Shown(command.command(), simulation.engine().showStat(),
                        simulation.engine().showServersState()));
            }
            simulation.runUntil(scenario.scenario().duration());
            List<HealthEvent> events = simulation.timeline().events();
            // its httplog lines are compared request by request, not with the check side's log
            Observation observation = withoutHttplog(Observation.ofEvents("haprobe-sim", events,
                    scenario.scenario().durationNanos(), simulation.engine().servers(), UnaryOperator.identity(),
                    nanos -> 0, shown));
            long start = simulation.engine().startNanos();
            List<HealthEvent.RequestCompleted> completed = new ArrayList<>();
            for (HealthEvent event : events) {
                if (event instanceof HealthEvent.RequestCompleted request) {
                    completed.add(request);
                }
            }
            completed.sort(java.util.Comparator.comparingLong(HealthEvent.RequestCompleted::sentNanos)
                    .thenComparingLong(HealthEvent.RequestCompleted::requestId));
            Map<Integer, Integer> next = new HashMap<>();
            List<Request> requests = new ArrayList<>();
            for (HealthEvent.RequestCompleted request : completed) {
                long sent = request.sentNanos() - start;
                int item = itemOf(items, request, sent);
                int index = next.merge(item, 1, Integer::sum) - 1;
                requests.add(new Request(item, index, sent / 1e6,
                        request.server() == null ? "<NOSRV>" : request.server(), request.status(),
                        request.terminationState(), request.retries(),
                        request.queueNanos() < 0 ? -1 : request.queueNanos() / 1_000_000,
                        request.totalNanos() / 1_000_000, request.logMessage()));
            }
            return new Simulated(observation, requests, simulation.engine().showStat());
        }
    }

    /**
     * The item a simulated request belongs to: of the items of its target that had started when it was sent, the
     * one that started last (scenarios do not overlap two items of one target in a way this cannot tell apart).
     */
    private static int itemOf(List<Traffic> items, HealthEvent.RequestCompleted request, long sentNanos) {
        int best = -1;
        for (int i = 0; i < items.size(); i++) {
            Traffic item = items.get(i);
            boolean target = item.target().frontend() ? item.target().name().equals(request.frontend())
                    : request.frontend() == null && item.target().name().equals(request.backend());
            if (target && item.atNanos() <= sentNanos && (best < 0 || item.atNanos() >= items.get(best).atNanos())) {
                best = i;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("simulated request " + request.requestId() + " matches no traffic item");
        }
        return best;
    }

    private static Result play(ConformanceScenario scenario, Path dir, Result first) throws Exception {
        long durationNanos = scenario.scenario().durationNanos();
        HaproxyConfig original = scenario.scenario().config();
        Simulated simulated = simulate(scenario);
        Files.write(dir.resolve("haprobe-sim.log"), simulated.observation().log());
        Files.writeString(dir.resolve("haprobe-sim.show-stat.csv"), simulated.showStat());

        Map<String, ServerScript> scripts = TrafficSetup.playerScripts(scenario);
        List<Traffic> items = scenario.scenario().traffic();
        Set<String> backends = TrafficSetup.targetedBackends(items);
        Path socketDir = Files.createTempDirectory("haprobe-traffic-");
        LoopbackBackends.Builder builder = LoopbackBackends.builder().seed(scenario.scenario().seed()).strict(false);
        scripts.forEach(builder::script);
        try (LoopbackBackends player = builder.bind(); SyslogListener syslog = new SyslogListener()) {
            Map<String, Integer> frontPorts = new HashMap<>();
            for (String section : TrafficSetup.boundSections(scenario.haproxyText())) {
                frontPorts.put(section, freePort());
            }
            for (String backend : backends) {
                frontPorts.put(TrafficSetup.HARNESS_PREFIX + backend, freePort());
            }
            String text = TrafficSetup.separateCheckPorts(scenario.haproxyText(), scenario);
            String rewritten = LiveConfig.rewrite(text, original, player.ports(), dir.resolve("ca.pem"),
                    dir.resolve("crt.pem"));
            String live = TrafficSetup.bindFrontends(rewritten, frontPorts, backends);
            Set<String> series = new HashSet<>();
            Set<Integer> grouped = new HashSet<>();
            Map<Integer, String> roles = ScenarioRun.roles(HaproxyConfig.parse("haproxy.cfg", live), series, grouped);
            String config = TrafficSetup.httplog(LiveConfig.forHaproxy(live, socketDir.resolve("stats.sock")),
                    syslog.target());
            List<Integer> ports = new ArrayList<>();
            for (Traffic item : items) {
                ports.add(frontPorts.get(item.target().frontend() ? item.target().name()
                        : TrafficSetup.HARNESS_PREFIX + item.target().name()));
            }
            UnaryOperator<String> normalize = ScenarioRun.portNames(scenario, player);
            HaproxyRun.Result haproxy;
            List<LoadClient.Sent> sent;
            try (LoadClient client = new LoadClient(items, ports)) {
                haproxy = HaproxyRun.run(config, dir, socketDir.resolve("stats.sock"), durationNanos, roles,
                        grouped, Set.copyOf(roles.keySet()), normalize, () -> {
                            player.start();
                            client.start();
                        }, scenario.scenario().commands(), command -> LiveConfig.command(command, player.ports()));
                sent = client.ended();
            }
            Files.write(dir.resolve("haproxy.log"), haproxy.observation().log());
            List<String> syslogLines = syslog.lines();
            Files.write(dir.resolve("haproxy.httplog"), syslogLines);

            // the httplog lines leave the check side's log: they are compared request by request
            // a client port comes back soon (HAProxy closes first, so the client keeps no TIME_WAIT): each port's
            // lines are taken in log order by its requests in the order they were sent
            // (by address and port: two clients of different source addresses may have the same port)
            Map<String, java.util.ArrayDeque<String>> byClient = new HashMap<>();
            for (String line : syslogLines) {
                if (HTTPLOG.matcher(line).find()) {
                    byClient.computeIfAbsent(line.substring(0, line.indexOf(' ')),
                            client -> new java.util.ArrayDeque<>()).add(line);
                }
            }
            Map<LoadClient.Sent, String> lines = new HashMap<>();
            sent.stream().sorted(java.util.Comparator.comparingDouble(LoadClient.Sent::sentMillis)).forEach(one -> {
                java.net.InetAddress source = items.get(one.item()).source();
                String client = (source == null ? "127.0.0.1" : source.getHostAddress()) + ':' + one.localPort();
                java.util.ArrayDeque<String> queue = byClient.get(client);
                if (queue != null && !queue.isEmpty()) {
                    lines.put(one, queue.poll());
                }
            });
            Observation checks = withoutHttplog(haproxy.observation());
            List<Request> real = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            double durationMillis = durationNanos / 1e6;
            for (LoadClient.Sent one : sent) {
                if (one.endMillis() > durationMillis) {
                    continue; // not over within the scenario's time: the simulation does not count it either
                }
                String line = lines.get(one);
                if (line == null) {
                    problems.add("request " + one.item() + "#" + one.index() + " (client port " + one.localPort()
                            + ", status " + one.status() + "): no httplog line");
                    real.add(new Request(one.item(), one.index(), one.sentMillis(), "?", one.status(), "??", 0, -1,
                            -1, null));
                    continue;
                }
                Matcher httplog = HTTPLOG.matcher(line);
                httplog.find();
                real.add(new Request(one.item(), one.index(), one.sentMillis(), httplog.group(4), one.status(),
                        httplog.group(11).substring(0, 2), Integer.parseInt(httplog.group(12)),
                        Long.parseLong(httplog.group(6)), Long.parseLong(httplog.group(9)), line));
            }
            List<String> requestLog = new ArrayList<>();
            real.forEach(r -> requestLog.add(String.format(Locale.ROOT, "item %d #%d sent at %.1fms: %s, Tw %d ms,"
                    + " Ta %d ms | %s", r.item(), r.index(), r.sentMillis(), r.outcome(), r.queueMillis(),
                    r.totalMillis(), r.httplog())));
            Files.write(dir.resolve("haproxy.requests"), requestLog);
            List<String> simLog = new ArrayList<>();
            simulated.requests().forEach(r -> simLog.add(String.format(Locale.ROOT,
                    "item %d #%d sent at %.1fms: %s, Tw %d ms, Ta %d ms | %s", r.item(), r.index(), r.sentMillis(),
                    r.outcome(), r.queueMillis(), r.totalMillis(), r.httplog())));
            Files.write(dir.resolve("haprobe-sim.requests"), simLog);

            Comparison comparison = new Comparison(original);
            Comparison.Outcome checkOutcome = comparison.compare(checks, simulated.observation(), series);
            Map<String, Integer> tolerances = tolerances(scenario);
            int tolerance = tolerances.getOrDefault("", 0);
            List<String> differences = new ArrayList<>(problems);
            player.errors().forEach(error -> differences.add("player: " + error));
            List<String> summary = new ArrayList<>();
            List<String> timings = new ArrayList<>();
            compareRequests(items, real, simulated.requests(), tolerance, differences, summary);
            compareTimes(items, real, simulated.requests(), timings);
            compareHttplog(items, real, simulated.requests(), tolerance, differences, timings);
            compareStats(haproxy.showStat(), simulated.showStat(), tolerances, differences);
            List<String> report = new ArrayList<>();
            report.add("# haproxy vs haprobe-sim: checks");
            report.addAll(checkOutcome.all());
            report.add("# haproxy vs haprobe-sim: traffic (tolerances " + tolerances + ")");
            report.addAll(differences);
            report.add("# haproxy vs haprobe-sim: request times (sequential items)");
            report.addAll(timings);
            report.add("# requests per item");
            report.addAll(summary);
            Files.write(dir.resolve("differences.txt"), report);
            return new Result(scenario, checkOutcome, differences, timings, summary, null, first);
        } finally {
            Files.deleteIfExists(socketDir.resolve("stats.sock"));
            Files.deleteIfExists(socketDir);
        }
    }

    /**
     * Each request's httplog line, HAProxy's against the simulation's, for requests whose outcome
     * ({@link Request#outcome()}) agrees (a differing outcome is a difference of its own). A sequential item's
     * requests one by one: {@link #deterministicFields} exactly, {@code %TR/%Tw/%Tc/%Tr/%Ta} within
     * {@value #TIME_TOLERANCE_MILLIS} ms + 1% (a difference there is a timing); the accept date and client port
     * are not compared (real time, the kernel's choice). A burst or rate item's requests as counts of
     * {@link #sharedFields}, within {@code tolerance}: which of simultaneous requests is first is the kernel's and
     * the scheduler's choice, so the connection counts and queue positions are not compared there.
     */
    static void compareHttplog(List<Traffic> items, List<Request> real, List<Request> simulated, int tolerance,
                               List<String> differences, List<String> timings) {
        for (int i = 0; i < items.size(); i++) {
            int item = i;
            List<Request> want = real.stream().filter(r -> r.item() == item).toList();
            List<Request> got = simulated.stream().filter(r -> r.item() == item).toList();
            String name = "item " + i + " (" + describe(items.get(i)) + ")";
            if (items.get(i).load() instanceof Traffic.Sequential) {
                for (int k = 0; k < Math.min(want.size(), got.size()); k++) {
                    Request w = want.get(k);
                    Request g = got.get(k);
                    if (!w.outcome().equals(g.outcome()) || w.httplog() == null) {
                        continue; // a difference of its own
                    }
                    String where = name + " request " + (k + 1) + " httplog";
                    Matcher a = HTTPLOG_LINE.matcher(w.httplog());
                    Matcher b = g.httplog() == null ? null : HTTPLOG_LINE.matcher(g.httplog());
                    if (!a.matches() || b == null || !b.matches()) {
                        differences.add(where + ": haproxy '" + w.httplog() + "', haprobe-sim '" + g.httplog() + "'");
                        continue;
                    }
                    String x = deterministicFields(a);
                    String y = deterministicFields(b);
                    if (!x.equals(y)) {
                        differences.add(where + ": haproxy '" + x + "', haprobe-sim '" + y + "'");
                    }
                    String[] timers = {"TR", "Tw", "Tc", "Tr", "Ta"};
                    for (int t = 0; t < timers.length; t++) {
                        time(where + " " + timers[t], Long.parseLong(a.group(7 + t)), Long.parseLong(b.group(7 + t)),
                                timings);
                    }
                }
                continue;
            }
            Map<String, Integer> w = new TreeMap<>();
            Map<String, Integer> g = new TreeMap<>();
            want.forEach(r -> w.merge(shared(r), 1, Integer::sum));
            got.forEach(r -> g.merge(shared(r), 1, Integer::sum));
            Set<String> keys = new TreeSet<>(w.keySet());
            keys.addAll(g.keySet());
            for (String key : keys) {
                int a = w.getOrDefault(key, 0);
                int b = g.getOrDefault(key, 0);
                if (Math.abs(a - b) > tolerance) {
                    differences.add(name + " httplog '" + key + "': haproxy " + a + ", haprobe-sim " + b
                            + (tolerance > 0 ? " (allowed ±" + tolerance + ")" : ""));
                }
            }
        }
    }

    /**
     * The fields of an httplog line a sequential request has the same on both sides: frontend, backend/server,
     * status, {@code %B}, termination state, {@code %ac/%fc/%bc/%sc/%rc}, {@code %sq/%bq} and the request line.
     */
    static String deterministicFields(Matcher line) {
        return line.group(4) + ' ' + line.group(5) + '/' + line.group(6) + ' ' + line.group(12) + ' ' + line.group(13)
                + ' ' + line.group(14) + ' ' + line.group(15) + '/' + line.group(16) + '/' + line.group(17) + '/'
                + line.group(18) + '/' + line.group(19) + ' ' + line.group(20) + '/' + line.group(21) + ' '
                + line.group(22);
    }

    /**
     * The fields of an httplog line compared by count in a burst or rate item: frontend, backend/server, status,
     * {@code %B}, termination state, {@code %rc} and the request line ({@code (no line)} when there is none).
     */
    static String sharedFields(Matcher line) {
        return line.group(4) + ' ' + line.group(5) + '/' + line.group(6) + ' ' + line.group(12) + ' ' + line.group(13)
                + ' ' + line.group(14) + " rc " + line.group(19) + ' ' + line.group(22);
    }

    private static String shared(Request request) {
        if (request.httplog() == null) {
            return "(no line)";
        }
        Matcher line = HTTPLOG_LINE.matcher(request.httplog());
        return line.matches() ? sharedFields(line) : "(unreadable) " + request.httplog();
    }

    /** The observation without its httplog lines. */
    static Observation withoutHttplog(Observation observation) {
        Map<String, List<Observation.LogLine>> lines = new TreeMap<>();
        observation.lines().forEach((subject, list) -> {
            List<Observation.LogLine> kept = list.stream().filter(l -> !HTTPLOG.matcher(l.text()).find()).toList();
            if (!kept.isEmpty()) {
                lines.put(subject, kept);
            }
        });
        return new Observation(observation.side(), lines, observation.checkStarts(), observation.checkEnds(),
                observation.checkLates(), observation.stats(), observation.commands(), observation.log());
    }

    /**
     * Each item's requests: in order for a sequential item, as counts per outcome for the others (within
     * {@code tolerance} per count for a rate).
     */
    static void compareRequests(List<Traffic> items, List<Request> real, List<Request> simulated, int tolerance,
                                List<String> differences, List<String> summary) {
        for (int i = 0; i < items.size(); i++) {
            int item = i;
            List<Request> want = real.stream().filter(r -> r.item() == item).toList();
            List<Request> got = simulated.stream().filter(r -> r.item() == item).toList();
            String name = "item " + i + " (" + describe(items.get(i)) + ")";
            Traffic.Load load = items.get(i).load();
            if (load instanceof Traffic.Sequential) {
                List<String> w = want.stream().map(Request::outcome).toList();
                List<String> g = got.stream().map(Request::outcome).toList();
                summary.add(name + ": haproxy " + w);
                summary.add(name + ": haprobe-sim " + g);
                for (int k = 0; k < Math.max(w.size(), g.size()); k++) {
                    String a = k < w.size() ? w.get(k) : "(none)";
                    String b = k < g.size() ? g.get(k) : "(none)";
                    if (!a.equals(b)) {
                        differences.add(name + " request " + (k + 1) + ": haproxy '" + a + "', haprobe-sim '" + b
                                + "'");
                    }
                }
                continue;
            }
            Map<String, Integer> w = counts(want);
            Map<String, Integer> g = counts(got);
            summary.add(name + ": haproxy " + w);
            summary.add(name + ": haprobe-sim " + g);
            int allowed = tolerance;
            Set<String> keys = new TreeSet<>(w.keySet());
            keys.addAll(g.keySet());
            for (String key : keys) {
                int a = w.getOrDefault(key, 0);
                int b = g.getOrDefault(key, 0);
                if (Math.abs(a - b) > allowed) {
                    differences.add(name + " '" + key + "': haproxy " + a + ", haprobe-sim " + b
                            + (allowed > 0 ? " (allowed ±" + allowed + ")" : ""));
                }
            }
        }
    }

    /**
     * Each request of a sequential item, on both sides the same outcome: its queue time ({@code %Tw}) and total
     * time ({@code %Ta}) within {@value #TIME_TOLERANCE_MILLIS} ms + 1%. Real requests take some ms where simulated
     * ones take none (loopback, the client's threads, HAProxy's strace), which the constant allows.
     */
    static void compareTimes(List<Traffic> items, List<Request> real, List<Request> simulated, List<String> out) {
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i).load() instanceof Traffic.Sequential)) {
                continue;
            }
            int item = i;
            List<Request> want = real.stream().filter(r -> r.item() == item).toList();
            List<Request> got = simulated.stream().filter(r -> r.item() == item).toList();
            for (int k = 0; k < Math.min(want.size(), got.size()); k++) {
                Request w = want.get(k);
                Request g = got.get(k);
                if (!w.outcome().equals(g.outcome())) {
                    continue; // a difference of its own
                }
                String where = "item " + i + " request " + (k + 1) + " ";
                time(where + "Tw", w.queueMillis(), g.queueMillis(), out);
                time(where + "Ta", w.totalMillis(), g.totalMillis(), out);
            }
        }
    }

    private static void time(String what, long haproxy, long simulated, List<String> out) {
        if (haproxy < 0 || simulated < 0) {
            if (haproxy != simulated) {
                out.add(what + ": haproxy " + haproxy + " ms, haprobe-sim " + simulated + " ms");
            }
            return;
        }
        double allowed = TIME_TOLERANCE_MILLIS + 0.01 * Math.max(haproxy, simulated);
        if (Math.abs(haproxy - simulated) > allowed) {
            out.add(String.format(Locale.ROOT, "%s: haproxy %d ms, haprobe-sim %d ms (allowed: %.0f ms)", what,
                    haproxy, simulated, allowed));
        }
    }

    private static Map<String, Integer> counts(List<Request> requests) {
        Map<String, Integer> counts = new TreeMap<>();
        requests.forEach(r -> counts.merge(r.outcome(), 1, Integer::sum));
        return counts;
    }

    private static String describe(Traffic item) {
        String load = item.load() instanceof Traffic.Burst b ? "burst " + b.requests()
                : item.load() instanceof Traffic.Sequential s ? "sequential " + s.requests()
                : "rate " + ((Traffic.Rate) item.load()).perSecond() + "/s";
        return item.target() + ", " + load + " at " + item.atNanos() / 1_000_000 + "ms";
    }

    /**
     * The {@link #COLUMNS} of every server and backend row, equal within the column's tolerance (the larger of
     * {@code tolerances.get(column)} and {@code tolerances.get("")}).
     */
    static void compareStats(String haproxy, String simulated, Map<String, Integer> tolerances,
                             List<String> differences) {
        Map<String, Map<String, String>> want = rows(haproxy);
        Map<String, Map<String, String>> got = rows(simulated);
        want.forEach((row, columns) -> {
            Map<String, String> other = got.get(row);
            if (other == null) {
                differences.add(row + " show stat: no row on haprobe-sim");
                return;
            }
            columns.forEach((column, value) -> {
                int tolerance = Math.max(tolerances.getOrDefault("", 0), tolerances.getOrDefault(column, 0));
                String mine = other.get(column);
                boolean close = false;
                if (tolerance > 0 && value.matches("\\d+") && mine != null && mine.matches("\\d+")) {
                    close = Math.abs(Long.parseLong(value) - Long.parseLong(mine)) <= tolerance;
                }
                if (!value.equals(mine) && !close) {
                    differences.add(row + " show stat " + column + ": haproxy '" + value + "', haprobe-sim '" + mine
                            + "'");
                }
            });
        });
    }

    /** The {@link #COLUMNS} of a {@code show stat} CSV's server and BACKEND rows, by {@code proxy/row}. */
    static Map<String, Map<String, String>> rows(String csv) {
        List<String> lines = csv.lines().filter(line -> !line.isBlank()).toList();
        List<String> header = List.of(lines.get(0).substring(2).split(",", -1));
        Map<String, Map<String, String>> rows = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> fields = List.of(line.split(",", -1));
            if (fields.get(1).equals("FRONTEND")) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (String column : COLUMNS) {
                int index = header.indexOf(column);
                row.put(column, index >= 0 && index < fields.size() ? fields.get(index) : "");
            }
            rows.put(fields.get(0) + '/' + fields.get(1), row);
        }
        return rows;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
