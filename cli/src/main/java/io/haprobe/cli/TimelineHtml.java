package io.haprobe.cli;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.ServerSnapshot;
import io.haprobe.engine.Timeline;
import io.haprobe.health.Transition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a simulation's {@link Timeline} as one self-contained HTML page ({@code haprobe simulate --html}): a
 * lane per server with its state over time as coloured bands (UP, DOWN, NOLB, MAINT, DRAIN), each check result as
 * a mark coloured by its status tag, each transition as a line whose {@code <title>} (shown on hover) is the
 * line HAProxy logs, a time axis in virtual seconds, a header (scenario, duration, seed) and a legend.
 *
 * <p>Inline SVG and CSS only: no script, no font, nothing fetched. Every name and info string is escaped. The
 * page depends only on its arguments (no wall time, no locale, no hash order), so the same scenario and seed give
 * the same bytes.
 *
 * <p>Stateless and thread-safe.
 */
final class TimelineHtml {

    /** Width of the label column, px. */
    static final int LABEL_WIDTH = 260;
    /** Width of the time axis, px. */
    static final int PLOT_WIDTH = 960;
    /** Height of one lane, px. */
    static final int LANE_HEIGHT = 44;
    private static final int BAND_Y = 6;
    private static final int BAND_HEIGHT = 16;
    private static final int MARK_Y = 26;
    private static final int MARK_HEIGHT = 12;
    private static final int AXIS_HEIGHT = 34;
    private static final int RIGHT_MARGIN = 20;

    /**
     * A runtime API command that changes admin flags HAProxy may clear without a log line of their own ({@code state
     * ready} leaves drain and maintenance, logging only the latter).
     */
    private static final Pattern SET_STATE = Pattern.compile("set\\s+server\\s+(\\S+)\\s+state\\s+(ready|drain|maint)");

    /** The band words, in legend order. */
    static final List<String> STATES = List.of("UP", "NOLB", "DRAIN", "MAINT", "DOWN");

    private static final String CSS = """
            body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:16px;color:#222;background:#fff}
            h1{font-size:18px;margin:0 0 4px}
            .meta{margin:0 0 12px;color:#555}
            svg{display:block}
            svg text{font:12px system-ui,-apple-system,"Segoe UI",sans-serif;fill:#222}
            .lane-bg{fill:#f6f6f6}
            .check,.agent{stroke:#0003;stroke-width:.5}
            .transition line{stroke:#000;stroke-width:1.5}
            .transition rect{fill:transparent}
            .axis line{stroke:#888}
            .grid{stroke:#ddd}
            .command{fill:#555}
            .legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin:10px 0 0;padding:0;list-style:none}
            .legend li{display:flex;align-items:center;gap:5px}
            .sw{display:inline-block;width:14px;height:10px;border:1px solid #0003}
            .st-UP{fill:#3a9a4d;background:#3a9a4d}.st-NOLB{fill:#e3a72f;background:#e3a72f}
            .st-DRAIN{fill:#7fb8e6;background:#7fb8e6}.st-MAINT{fill:#8a8a8a;background:#8a8a8a}
            .st-DOWN{fill:#d03b3b;background:#d03b3b}
            """;

    private TimelineHtml() {
    }

    /**
     * Renders the page.
     *
     * @param scenario       the scenario's name as given on the command line; never null
     * @param seed           the seed of the run
     * @param durationMillis how long the run lasted, virtual milliseconds, {@code > 0}
     * @param servers        the servers at the end of the run, in config order: one lane each; never null
     * @param timeline       the run's events (with per-check events); never null
     * @return the page, UTF-8 text ending with a newline
     * @throws IllegalArgumentException if {@code durationMillis <= 0}
     */
    static String render(String scenario, long seed, long durationMillis, List<ServerSnapshot> servers,
                         Timeline timeline) {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(servers, "servers");
        Objects.requireNonNull(timeline, "timeline");
        if (durationMillis <= 0) {
            throw new IllegalArgumentException("durationMillis: " + durationMillis + " (expected: > 0)");
        }
        Map<String, Lane> lanes = new LinkedHashMap<>();
        for (ServerSnapshot server : servers) {
            lanes.put(server.id(), new Lane(server));
        }
        List<HealthEvent.CommandExecuted> commands = new ArrayList<>();
        for (HealthEvent event : timeline.events()) {
            if (event instanceof HealthEvent.CommandExecuted command) {
                commands.add(command);
                Matcher state = SET_STATE.matcher(command.command().strip());
                Lane lane = state.matches() && command.reply().isEmpty() ? lanes.get(state.group(1)) : null;
                if (lane != null) {
                    lane.events.add(command);
                }
                continue;
            }
            Lane lane = lanes.get(serverOf(event));
            if (lane != null) {
                lane.events.add(event);
            }
        }
        Set<CheckStatus> statusesSeen = EnumSet.noneOf(CheckStatus.class);
        int checks = 0;
        for (Lane lane : lanes.values()) {
            lane.replay(timeline, durationMillis);
            for (HealthEvent event : lane.events) {
                if (event instanceof HealthEvent.CheckCompleted check) {
                    statusesSeen.add(check.outcome().status());
                    checks++;
                } else if (event instanceof HealthEvent.AgentCheckCompleted agent) {
                    statusesSeen.add(agent.outcome().status());
                }
            }
        }

        int height = lanes.size() * LANE_HEIGHT + AXIS_HEIGHT;
        int width = LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN;
        StringBuilder out = new StringBuilder(16_384);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"generator\" content=\"haprobe simulate --html\">\n")
                .append("<title>haprobe simulate: ").append(escape(scenario)).append("</title>\n")
                .append("<style>\n").append(CSS).append(statusCss(statusesSeen)).append("</style>\n</head>\n<body>\n")
                .append("<h1>haprobe simulate: ").append(escape(scenario)).append("</h1>\n")
                .append("<p class=\"meta\">duration <span id=\"duration\">").append(seconds(durationMillis))
                .append("</span> (virtual) · seed <span id=\"seed\">").append(seed).append("</span> · ")
                .append(lanes.size()).append(lanes.size() == 1 ? " server" : " servers").append(" · ")
                .append(checks).append(checks == 1 ? " check" : " checks").append("</p>\n")
                .append("<svg id=\"timeline\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" role=\"img\" aria-label=\"health check timeline\">\n");
        int row = 0;
        for (Lane lane : lanes.values()) {
            lane.render(out, row++ * LANE_HEIGHT, timeline, durationMillis);
        }
        axis(out, lanes.size() * LANE_HEIGHT, durationMillis, commands, timeline);
        out.append("</svg>\n");
        legend(out, statusesSeen);
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    /**
     * Writes {@link #render} to {@code target} as UTF-8.
     *
     * @return the number of check results drawn (one per {@link HealthEvent.CheckCompleted})
     * @throws IllegalArgumentException naming {@code --html} if the file cannot be written
     */
    static int write(Path target, String scenario, long seed, long durationMillis, List<ServerSnapshot> servers,
                     Timeline timeline) {
        String page = render(scenario, seed, durationMillis, servers, timeline);
        try {
            Files.writeString(target, page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            String reason = e instanceof NoSuchFileException ? "no such directory"
                    : e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
            throw new IllegalArgumentException("--html: cannot write " + target + ": " + reason, e);
        }
        int checks = 0;
        for (HealthEvent event : timeline.events()) {
            if (event instanceof HealthEvent.CheckCompleted) {
                checks++;
            }
        }
        return checks;
    }

    /**
     * Escapes text for HTML content and attribute values (double- or single-quoted) alike, and for SVG inside
     * HTML. Characters XML forbids (controls other than tab, newline and carriage return) become U+FFFD.
     *
     * @param text any text; never null
     * @return the escaped text
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    /** Returns e.g. {@code 40s}, {@code 1.5s}, {@code 0.25s}: milliseconds as seconds, no trailing zeros. */
    static String seconds(long millis) {
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        String fraction = String.format(Locale.ROOT, "%03d", Math.abs(millis % 1000))
                .replaceAll("0+$", "");
        return (millis < 0 ? "-" : "") + Math.abs(millis / 1000) + "." + fraction + "s";
    }

    /** The CSS class of a check status: {@code cs-L7OK}; statuses without a tag share {@code cs-other}. */
    static String statusClass(CheckStatus status) {
        return status.tag().isEmpty() ? "cs-other" : "cs-" + status.tag();
    }

    /** One colour per status: greens pass, reds and oranges fail by layer, greys say nothing. */
    static String colour(CheckStatus status) {
        return switch (status) {
            case L4OK -> "#6cc070";
            case L6OK -> "#3f9f4a";
            case L7OK -> "#1f7a2c";
            case L7OKC -> "#9ccc3c";
            case PROCOK -> "#2f8f6f";
            case L4CON -> "#b01515";
            case L4TOUT -> "#7b2cbf";
            case L6RSP -> "#c2185b";
            case L6TOUT -> "#9c4dcc";
            case L7STS -> "#e8590c";
            case L7RSP -> "#a0522d";
            case L7TOUT -> "#d6336c";
            case SOCKERR -> "#5c0000";
            case HANA, PROCERR, PROCTOUT -> "#8b0000";
            default -> "#9e9e9e";
        };
    }

    private static String statusCss(Set<CheckStatus> statuses) {
        StringBuilder css = new StringBuilder();
        Set<String> done = new HashSet<>();
        for (CheckStatus status : statuses) {
            String cls = statusClass(status);
            if (done.add(cls)) {
                css.append('.').append(cls).append("{fill:").append(colour(status)).append(";background:")
                        .append(colour(status)).append("}\n");
            }
        }
        return css.toString();
    }

    /** The time axis with its ticks and grid lines, and each runtime API command as a triangle on it. */
    private static void axis(StringBuilder out, int top, long durationMillis,
                             List<HealthEvent.CommandExecuted> commands, Timeline timeline) {
        long step = tickStep(durationMillis);
        out.append("<g class=\"axis\">\n<line x1=\"").append(LABEL_WIDTH).append("\" y1=\"").append(top + 4)
                .append("\" x2=\"").append(LABEL_WIDTH + PLOT_WIDTH).append("\" y2=\"").append(top + 4)
                .append("\"/>\n");
        for (long t = 0; t <= durationMillis; t += step) {
            String x = x(t, durationMillis);
            out.append("<line class=\"grid\" x1=\"").append(x).append("\" y1=\"0\" x2=\"").append(x)
                    .append("\" y2=\"").append(top + 8).append("\"/><text x=\"").append(x).append("\" y=\"")
                    .append(top + 22).append("\" text-anchor=\"middle\">").append(seconds(t)).append("</text>\n");
        }
        out.append("<text x=\"").append(LABEL_WIDTH - 24).append("\" y=\"").append(top + 22)
                .append("\" text-anchor=\"end\">virtual time</text>\n");
        for (HealthEvent.CommandExecuted command : commands) {
            long t = Math.min(timeline.millisOf(command), durationMillis);
            double x = xValue(t, durationMillis);
            out.append("<path class=\"command\" d=\"M").append(fixed(x - 4)).append(' ').append(top + 4)
                    .append(" h8 l-4 -7 z\"><title>")
                    .append(escape("t=" + timeline.millisOf(command) + "ms > " + command.command()
                            + (command.reply().isEmpty() ? "" : "\n" + command.reply().stripTrailing())))
                    .append("</title></path>\n");
        }
        out.append("</g>\n");
    }

    private static void legend(StringBuilder out, Set<CheckStatus> statuses) {
        out.append("<ul class=\"legend\" id=\"legend\">\n");
        for (String state : STATES) {
            out.append("<li><span class=\"sw st-").append(state).append("\"></span>").append(state).append("</li>\n");
        }
        out.append("<li>│ transition (hover: the log line)</li>\n<li>▲ runtime API command</li>\n");
        for (CheckStatus status : statuses) {
            String tag = status.tag().isEmpty() ? status.name() : status.tag();
            out.append("<li title=\"").append(escape(status.description())).append("\"><span class=\"sw ")
                    .append(statusClass(status)).append("\"></span>").append(escape(tag)).append("</li>\n");
        }
        out.append("</ul>\n");
    }

    /** A round step (1, 2 or 5 times a power of ten, ms) giving at most 10 intervals. */
    private static long tickStep(long durationMillis) {
        long power = 1;
        while (true) {
            for (long m : new long[] {1, 2, 5}) {
                if (durationMillis / (m * power) <= 10) {
                    return m * power;
                }
            }
            power *= 10;
        }
    }

    private static double xValue(long millis, long durationMillis) {
        return LABEL_WIDTH + (double) millis * PLOT_WIDTH / durationMillis;
    }

    private static String x(long millis, long durationMillis) {
        return fixed(xValue(millis, durationMillis));
    }

    /** Two decimals, locale-free, no trailing zeros: the same bytes on every machine. */
    private static String fixed(double value) {
        long hundredths = Math.round(value * 100);
        String sign = hundredths < 0 ? "-" : "";
        hundredths = Math.abs(hundredths);
        long whole = hundredths / 100;
        long rest = hundredths % 100;
        if (rest == 0) {
            return sign + whole;
        }
        return sign + whole + (rest % 10 == 0 ? "." + rest / 10 : rest < 10 ? ".0" + rest : "." + rest);
    }

    private static String serverOf(HealthEvent event) {
        if (event instanceof HealthEvent.CheckCompleted e) {
            return e.backend() + '/' + e.server();
        }
        if (event instanceof HealthEvent.AgentCheckCompleted e) {
            return e.backend() + '/' + e.server();
        }
        if (event instanceof HealthEvent.StateChanged e) {
            return e.backend() + '/' + e.server();
        }
        if (event instanceof HealthEvent.AdminStateChanged e) {
            return e.backend() + '/' + e.server();
        }
        return null;
    }

    private static String outcomeText(CheckOutcome outcome) {
        StringBuilder text = new StringBuilder().append(outcome.status().tag().isEmpty() ? outcome.status().name()
                : outcome.status().tag()).append(" (").append(outcome.status().description()).append(')');
        if (outcome.status().hasCode()) {
            text.append(", code ").append(outcome.code());
        }
        if (!outcome.info().isEmpty()) {
            text.append(", info \"").append(outcome.info()).append('"');
        }
        return text.append(", check duration ").append(outcome.durationMillis()).append("ms").toString();
    }

    /** One server's lane: its events and the bands they give. */
    private static final class Lane {

        final ServerSnapshot server;
        final List<HealthEvent> events = new ArrayList<>();
        final List<Band> bands = new ArrayList<>();

        Lane(ServerSnapshot server) {
            this.server = server;
        }

        /** Walks the events from the state the server started in, opening a band at each change of word. */
        void replay(Timeline timeline, long durationMillis) {
            ServerState state = server.state();
            boolean maint = server.maintenance();
            boolean drain = server.drain();
            boolean stateKnown = false;
            boolean maintKnown = false;
            boolean drainKnown = false;
            for (HealthEvent event : events) {
                if (!stateKnown && event instanceof HealthEvent.StateChanged change) {
                    state = change.from();
                    stateKnown = true;
                } else if (event instanceof HealthEvent.AdminStateChanged admin) {
                    if (!stateKnown) {
                        state = admin.from();
                        stateKnown = true;
                    }
                    switch (admin.change()) {
                        case MAINT_ON, MAINT_OFF -> {
                            if (!maintKnown) {
                                maint = admin.change() == Transition.Kind.MAINT_OFF;
                                maintKnown = true;
                            }
                        }
                        case DRAIN_ON, DRAIN_OFF -> {
                            if (!drainKnown) {
                                drain = admin.change() == Transition.Kind.DRAIN_OFF;
                                drainKnown = true;
                            }
                        }
                        default -> { }
                    }
                }
            }
            open(0, word(state, maint, drain));
            for (HealthEvent event : events) {
                long t = Math.min(timeline.millisOf(event), durationMillis);
                if (event instanceof HealthEvent.StateChanged change) {
                    state = change.to();
                } else if (event instanceof HealthEvent.AdminStateChanged admin) {
                    state = admin.to();
                    switch (admin.change()) {
                        case MAINT_ON -> maint = true;
                        case MAINT_OFF -> maint = false;
                        case DRAIN_ON -> drain = true;
                        case DRAIN_OFF -> drain = false;
                        default -> { }
                    }
                } else if (event instanceof HealthEvent.CommandExecuted command) {
                    Matcher m = SET_STATE.matcher(command.command().strip());
                    if (!m.matches()) {
                        continue;
                    }
                    maint = m.group(2).equals("maint");
                    drain = m.group(2).equals("drain") || maint && drain;
                } else {
                    continue;
                }
                open(t, word(state, maint, drain));
            }
        }

        /** Opens a band of {@code word} at {@code t}, replacing one opened at the same time (no empty bands). */
        private void open(long t, String word) {
            int last = bands.size() - 1;
            if (last >= 0 && bands.get(last).word().equals(word)) {
                return;
            }
            if (last >= 0 && bands.get(last).fromMillis() == t) {
                bands.remove(last);
                if (last > 0 && bands.get(last - 1).word().equals(word)) {
                    return;
                }
            }
            bands.add(new Band(t, word));
        }

        private static String word(ServerState state, boolean maint, boolean drain) {
            if (maint) {
                return "MAINT";
            }
            if (drain && state != ServerState.DOWN) {
                return "DRAIN";
            }
            return state == ServerState.STARTING ? "UP" : state.word();
        }

        void render(StringBuilder out, int top, Timeline timeline, long durationMillis) {
            long checks = events.stream().filter(HealthEvent.CheckCompleted.class::isInstance).count();
            out.append("<g class=\"lane\" id=\"lane-").append(escape(server.id())).append("\" data-server=\"")
                    .append(escape(server.id())).append("\" data-checks=\"").append(checks)
                    .append("\" transform=\"translate(0 ").append(top).append(")\">\n")
                    .append("<rect class=\"lane-bg\" x=\"0\" y=\"1\" width=\"").append(LABEL_WIDTH + PLOT_WIDTH)
                    .append("\" height=\"").append(LANE_HEIGHT - 2).append("\"/>\n")
                    .append("<text class=\"label\" x=\"8\" y=\"").append(BAND_Y + 12).append("\">")
                    .append(escape(server.backend())).append('/').append("<tspan font-weight=\"bold\">")
                    .append(escape(server.server())).append("</tspan></text>\n")
                    .append("<text class=\"final\" x=\"8\" y=\"").append(MARK_Y + 10).append("\" fill=\"#555\">")
                    .append("now ").append(escape(server.statusText())).append(' ')
                    .append(escape(server.lastStatus().tag())).append("</text>\n");
            for (int i = 0; i < bands.size(); i++) {
                Band band = bands.get(i);
                long from = band.fromMillis();
                long to = i + 1 < bands.size() ? bands.get(i + 1).fromMillis() : durationMillis;
                double x1 = xValue(from, durationMillis);
                double x2 = xValue(to, durationMillis);
                out.append("<rect class=\"band st-").append(band.word()).append("\" x=\"").append(fixed(x1))
                        .append("\" y=\"").append(BAND_Y).append("\" width=\"").append(fixed(x2 - x1))
                        .append("\" height=\"").append(BAND_HEIGHT).append("\"><title>")
                        .append(band.word()).append(" from t=").append(from).append("ms to t=").append(to)
                        .append("ms</title></rect>\n");
            }
            for (HealthEvent event : events) {
                long at = timeline.millisOf(event);
                double x = xValue(Math.min(at, durationMillis), durationMillis);
                if (event instanceof HealthEvent.CheckCompleted check) {
                    out.append("<rect class=\"check ").append(statusClass(check.outcome().status()))
                            .append("\" x=\"").append(fixed(x - 1.5)).append("\" y=\"").append(MARK_Y)
                            .append("\" width=\"3\" height=\"").append(MARK_HEIGHT).append("\"><title>")
                            .append(escape("t=" + at + "ms check: " + outcomeText(check.outcome()) + ", health "
                                    + check.after().fractionNumerator() + '/' + check.after().fractionDenominator()
                                    + (check.after().isGood() ? " (UP side)" : " (DOWN side)")
                                    + (check.logMessage() == null ? "" : "\n" + check.logMessage())))
                            .append("</title></rect>\n");
                } else if (event instanceof HealthEvent.AgentCheckCompleted agent) {
                    out.append("<circle class=\"agent ").append(statusClass(agent.outcome().status()))
                            .append("\" cx=\"").append(fixed(x)).append("\" cy=\"").append(MARK_Y + MARK_HEIGHT + 3)
                            .append("\" r=\"2\"><title>")
                            .append(escape("t=" + at + "ms agent check: " + outcomeText(agent.outcome())
                                    + (agent.logMessage() == null ? "" : "\n" + agent.logMessage())))
                            .append("</title></circle>\n");
                } else if (!(event instanceof HealthEvent.CommandExecuted)) {
                    String from = event instanceof HealthEvent.StateChanged c ? c.from().word()
                            : ((HealthEvent.AdminStateChanged) event).from().word();
                    String to = event instanceof HealthEvent.StateChanged c ? c.to().word()
                            : ((HealthEvent.AdminStateChanged) event).to().word();
                    out.append("<g class=\"transition\" data-from=\"").append(from).append("\" data-to=\"")
                            .append(to).append("\"><title>").append(escape("t=" + at + "ms " + event.logMessage()))
                            .append("</title><line x1=\"").append(fixed(x)).append("\" y1=\"").append(BAND_Y - 3)
                            .append("\" x2=\"").append(fixed(x)).append("\" y2=\"").append(BAND_Y + BAND_HEIGHT + 3)
                            .append("\"/><rect x=\"").append(fixed(x - 4)).append("\" y=\"").append(BAND_Y - 3)
                            .append("\" width=\"8\" height=\"").append(BAND_HEIGHT + 6).append("\"/></g>\n");
                }
            }
            out.append("</g>\n");
        }
    }

    /** A band of a lane: from {@code fromMillis} to the next band's start (or the end), in state {@code word}. */
    private record Band(long fromMillis, String word) {
    }
}
