package io.haprobe.conformance;

import io.haprobe.config.ConfigException;
import io.haprobe.config.ConfigValidation;
import io.haprobe.config.HaproxyConfig;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * haprobe's side of the differential corpus: accepted when haprobe takes the file, rejected with the line of the
 * {@link ConfigException} otherwise.
 *
 * <p>The seam is {@link #haprobe(Path)}: it calls {@link HaproxyConfig#parse(Path, Map)} until
 * {@code HaproxyConfig.validate} exists, which is meant to accept exactly what {@code haproxy -c} 2.6 accepts.
 * Switching is that one line. Both sides get the same starting environment ({@link #environment()}), and the
 * corpus names every file it references by absolute path, so neither side depends on a working directory.
 *
 * <p>Thread-safe: it keeps no state.
 */
final class HaprobeConfigJudge implements ConfigJudge {

    private final Map<String, String> environment;

    /**
     * Creates the judge.
     *
     * @param environment the variables each file starts with, the same as HAProxy's process gets; never null
     */
    HaprobeConfigJudge(Map<String, String> environment) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    @Override
    public Verdict judge(Path file) {
        try {
            ConfigValidation validation = HaproxyConfig.validate(file, environment);
            if (validation.accepted()) {
                return Verdict.accept();
            }
            ConfigException first = validation.errors().get(0);
            return Verdict.reject(first.location().line(), first.detail());
        } catch (ConfigException e) {
            return Verdict.reject(e.location().line(), e.detail());
        } catch (RuntimeException e) {
            // parse promises ConfigException only; anything else is a haprobe bug, reported as such
            return Verdict.reject(0, "haprobe threw " + e);
        }
    }

    /** Returns the environment every file starts with. */
    Map<String, String> environment() {
        return environment;
    }
}
