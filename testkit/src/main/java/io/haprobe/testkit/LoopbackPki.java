package io.haprobe.testkit;

import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Phase;
import io.haprobe.sim.ServerScript;
import io.haprobe.spi.TlsBackend;
import io.haprobe.spi.TlsSimulation;
import io.haprobe.spi.TlsSupport;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The TLS side of {@link LoopbackBackends}: the simulation PKI of the TLS provider that issues the tls scripts'
 * certificates and makes their server TLS engines, and its CA and client certificate as PEM. Made at bind when a
 * script plays tls, else on the first call for a PEM.
 *
 * <p>Thread-safe: the PEMs are taken under {@code this}; {@link #simulation()} is then used on the player's event
 * loop only.
 */
final class LoopbackPki {

    private volatile TlsSimulation simulation;
    private String caPem;
    private String crtPem;

    /**
     * Makes the PKI now if a script plays tls, failing before any socket is bound when the provider is missing.
     *
     * @throws IllegalStateException naming the first tls script, if {@code haprobe-engine-tls} is missing
     */
    LoopbackPki(Map<String, ServerScript> scripts) {
        if (tlsBackends(scripts).isEmpty()) {
            return;
        }
        String first = scripts.entrySet().stream().filter(e -> !tlsBackends(Map.of(e.getKey(), e.getValue()))
                .isEmpty()).map(Map.Entry::getKey).findFirst().orElseThrow();
        make("script of " + first + ": a 'tls' behaviour needs io.haprobe:haprobe-engine-tls on the classpath");
    }

    /** What the tls behaviours of {@code scripts} present, each once, in script order. */
    static List<TlsBackend> tlsBackends(Map<String, ServerScript> scripts) {
        Set<TlsBackend> found = new LinkedHashSet<>();
        for (ServerScript script : scripts.values()) {
            for (Phase phase : script.phases()) {
                List<Behaviour> steps = phase.behaviour() instanceof Behaviour.Sequence sequence ? sequence.steps()
                        : List.of(phase.behaviour());
                for (Behaviour step : steps) {
                    if (step instanceof Behaviour.Tls tls) {
                        found.add(tls.backend());
                    }
                }
            }
        }
        return List.copyOf(found);
    }

    /** The PKI the players' TLS engines come from; null while no script plays tls and no PEM was asked for. */
    TlsSimulation simulation() {
        return simulation;
    }

    /** The CA as PEM, made on first use. */
    synchronized String caPem() {
        makeOnce();
        return caPem;
    }

    /** The client certificate and its key as PEM, made on first use. */
    synchronized String crtPem() {
        makeOnce();
        return crtPem;
    }

    private void makeOnce() {
        if (caPem == null) {
            make("a CA for loopback backends needs io.haprobe:haprobe-engine-tls on the classpath");
        }
    }

    private synchronized void make(String missing) {
        TlsSimulation made = TlsSupport.find().orElseThrow(() -> new IllegalStateException(missing)).newSimulation();
        // the PEMs are taken before the event loop uses the PKI
        caPem = made.authorityPem();
        crtPem = made.clientCertificatePem();
        simulation = made;
    }
}
