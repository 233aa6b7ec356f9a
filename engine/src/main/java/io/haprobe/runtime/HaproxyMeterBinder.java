package io.haprobe.runtime;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Registers the frontend, backend and server families of HAProxy 2.6's Prometheus exporter (see
 * {@link PrometheusExposition}) as Micrometer meters, for users who already run Micrometer: a Prometheus
 * registry then renders the exporter's names, so alert rules written for HAProxy work unchanged.
 *
 * <table>
 * <caption>naming</caption>
 * <tr><th>exporter family</th><th>Micrometer meter</th></tr>
 * <tr><td>{@code haproxy_server_status{proxy,server,state}} (gauge)</td><td>gauge {@code haproxy.server.status},
 *     tags {@code proxy}, {@code server}, {@code state}</td></tr>
 * <tr><td>{@code haproxy_server_check_failures_total} (counter)</td><td>function counter
 *     {@code haproxy.server.check.failures}</td></tr>
 * <tr><td>{@code haproxy_server_check_duration_seconds} (gauge)</td><td>gauge
 *     {@code haproxy.server.check.duration}, base unit {@code seconds}</td></tr>
 * <tr><td>{@code haproxy_server_downtime_seconds_total} (counter)</td><td>function counter
 *     {@code haproxy.server.downtime}, base unit {@code seconds}</td></tr>
 * </table>
 * The description of each meter is the exporter's HELP text. The {@code haproxy_process_*} families are not
 * registered (they describe HAProxy's process, not the checks).
 *
 * <p>The meters are registered for the rows of the first {@code show stat} read by {@link #bindTo}: haprobe's
 * proxies and servers are fixed by the configuration. Where the exporter leaves a sample out (a server without a
 * check result to show: no {@code check}, check disabled or paused), the meter reads {@code NaN}; a row missing
 * from a later CSV reads {@code NaN} too. The HTTP families are not registered for proxies in {@code mode tcp}.
 *
 * <p>One {@code show stat} per scrape: every meter reads the same parsed CSV, fetched again only when it is at
 * least one second old by the registry's {@link Clock} (so a scrape reading hundreds of meters costs one call,
 * and scrapes closer than a second share it). If the function throws, every meter reads {@code NaN} until the
 * next fetch.
 *
 * <pre>{@code
 * HaproxyMeterBinder.of(engine::showStat).bindTo(registry);
 * }</pre>
 *
 * <p>Thread-safe: meters may be read from any thread; the function is called by the thread reading a meter,
 * one call at a time. Micrometer ({@code io.micrometer:micrometer-core}) is an optional dependency of
 * haprobe-engine: only this class needs it.
 */
public final class HaproxyMeterBinder implements MeterBinder {

    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Supplier<String> showStat;
    private Clock clock;
    private Map<String, Double> values;
    private long fetchedNanos;

    private HaproxyMeterBinder(Supplier<String> showStat) {
        this.showStat = showStat;
    }

    /**
     * Creates a binder reading {@code show stat} from {@code showStat}.
     *
     * @param showStat gives the reply of {@code show stat} (HAProxy 2.6's CSV), e.g. {@code engine::showStat};
     *                 called at most once a second; never null
     * @return the binder
     * @throws NullPointerException if {@code showStat} is null
     */
    public static HaproxyMeterBinder of(Supplier<String> showStat) {
        return new HaproxyMeterBinder(Objects.requireNonNull(showStat, "showStat"));
    }

    /**
     * Registers the meters in {@code registry}, one per sample of the current {@code show stat}.
     *
     * @param registry the registry; never null
     * @throws NullPointerException if {@code registry} is null
     * @throws RuntimeException     what the {@code show stat} function throws on this first read
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        StatsCsv csv = StatsCsv.parse(showStat.get());
        synchronized (this) {
            if (clock == null) {
                clock = registry.config().clock();
                values = values(csv);
                fetchedNanos = clock.monotonicTime();
            }
        }
        for (PrometheusExposition.Family family : PrometheusExposition.FAMILIES) {
            if (family.scope() == PrometheusExposition.Scope.PROCESS) {
                continue;
            }
            for (PrometheusExposition.Sample sample : PrometheusExposition.samples(family, csv, Map.of(), true)) {
                register(registry, family, sample.labels(), key(family, sample.labels()));
            }
        }
    }

    /** The Micrometer name of an exporter family: without {@code haproxy_..._total} and {@code _seconds},
     * dotted; e.g. {@code haproxy_server_downtime_seconds_total} is {@code haproxy.server.downtime}. */
    static String meterName(String family) {
        String name = family.endsWith("_total") ? family.substring(0, family.length() - 6) : family;
        name = name.endsWith("_seconds") ? name.substring(0, name.length() - 8) : name;
        return name.replace('_', '.');
    }

    private void register(MeterRegistry registry, PrometheusExposition.Family family,
                          List<PrometheusExposition.Label> labels, String key) {
        Tags tags = Tags.empty();
        for (PrometheusExposition.Label label : labels) {
            tags = tags.and(label.name(), label.value());
        }
        String name = meterName(family.name());
        String unit = family.name().endsWith("_seconds") || family.name().endsWith("_seconds_total")
                ? "seconds" : null;
        if (family.type() == PrometheusExposition.Type.COUNTER) {
            FunctionCounter.builder(name, this, binder -> binder.value(key))
                    .description(family.help()).baseUnit(unit).tags(tags).register(registry);
        } else {
            Gauge.builder(name, this, binder -> binder.value(key))
                    .description(family.help()).baseUnit(unit).tags(tags).register(registry);
        }
    }

    private synchronized double value(String key) {
        long now = clock.monotonicTime();
        if (now - fetchedNanos >= REFRESH_NANOS) {
            fetchedNanos = now;
            try {
                values = values(StatsCsv.parse(showStat.get()));
            } catch (RuntimeException e) {
                values = Map.of();
            }
        }
        return values.getOrDefault(key, Double.NaN);
    }

    private static Map<String, Double> values(StatsCsv csv) {
        Map<String, Double> values = new HashMap<>();
        for (PrometheusExposition.Family family : PrometheusExposition.FAMILIES) {
            if (family.scope() == PrometheusExposition.Scope.PROCESS) {
                continue;
            }
            for (PrometheusExposition.Sample sample : PrometheusExposition.samples(family, csv, Map.of(), true)) {
                values.put(key(family, sample.labels()), Double.parseDouble(sample.value()));
            }
        }
        return values;
    }

    private static String key(PrometheusExposition.Family family, List<PrometheusExposition.Label> labels) {
        StringBuilder key = new StringBuilder(family.name());
        PrometheusExposition.appendLabels(key, labels);
        return key.toString();
    }
}
