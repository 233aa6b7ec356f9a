package io.haprobe.conformance;

import io.haprobe.testkit.Scenario;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One file of {@code conformance/scenarios/}: an ordinary haprobe scenario (docs/scenarios.md), headed by comment
 * lines the report reads:
 *
 * <pre>{@code
 * # about: a first refused check takes a server DOWN at once
 * # covers: §1.3, §3.1
 * # divergence: haproxy: why haprobe deliberately differs from 2.6.12 here (rare)
 * }</pre>
 *
 * @param name        the file name without {@code .yaml}, e.g. {@code 001-boot-first-failure}
 * @param file        the scenario file
 * @param about       what the scenario shows, one sentence
 * @param covers      the sections of the spec it covers, e.g. {@code §1.3}
 * @param divergences the deliberate divergences from HAProxy 2.6.12 the scenario shows (usually none): HAProxy's
 *                    differences from haprobe are then reported, not failed
 * @param haproxyText the inline haproxy.cfg text
 * @param scenario    the parsed scenario, as {@code haprobe simulate} reads it
 */
record ConformanceScenario(String name, Path file, String about, List<String> covers, List<String> divergences,
                           String haproxyText, Scenario scenario) {

    ConformanceScenario {
        covers = List.copyOf(covers);
        divergences = List.copyOf(divergences);
    }

    /** Every {@code *.yaml} file of {@code dir}, by name. */
    static List<Path> files(Path dir) {
        try (Stream<Path> files = Files.walk(dir, 2)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** A scenario's name: its file name without {@code .yaml}, or its directory's for a {@code scenario.yaml}. */
    static String name(Path file) {
        String name = file.getFileName().toString();
        return name.equals("scenario.yaml") ? file.getParent().getFileName().toString()
                : name.replaceFirst("\\.yaml$", "");
    }

    /**
     * Reads one scenario file.
     *
     * @throws IllegalArgumentException if the header lacks {@code about} or {@code covers}, or the config is not
     *                                  inline
     */
    static ConformanceScenario load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String about = null;
        List<String> covers = new ArrayList<>();
        List<String> divergences = new ArrayList<>();
        for (String line : text.lines().toList()) {
            if (!line.startsWith("#")) {
                break;
            }
            String body = line.substring(1).strip();
            if (body.startsWith("about:")) {
                about = body.substring("about:".length()).strip();
            } else if (body.startsWith("covers:")) {
                for (String section : body.substring("covers:".length()).split(",")) {
                    if (!section.isBlank()) {
                        covers.add(section.strip());
                    }
                }
            } else if (body.startsWith("divergence:")) {
                divergences.add(body.substring("divergence:".length()).strip());
            }
        }
        if (about == null) {
            about = "";
        }
        Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        String haproxyText;
        if (yaml instanceof Map<?, ?> map && map.get("haproxy") instanceof String inline) {
            haproxyText = inline;
        } else if (yaml instanceof Map<?, ?> map && map.get("config") instanceof String path) {
            try {
                haproxyText = Files.readString(file.resolveSibling(path), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the config of " + file, e);
            }
        } else {
            throw new IllegalArgumentException(file + ": no haproxy.cfg (expected: haproxy: | or config: path)");
        }
        String name = name(file);
        return new ConformanceScenario(name, file, about, covers, divergences, haproxyText, Scenario.parse(file));
    }
}
