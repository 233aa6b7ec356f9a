package io.haprobe.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Prometheus text exposition read back for comparisons: each family's HELP, TYPE and samples (labels text to
 * value), in the order of the text.
 */
record Exposition(Map<String, Family> families) {

    static Exposition parse(String text) {
        Map<String, Family> families = new LinkedHashMap<>();
        Family current = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                current = new Family(parts[0], parts[1], new String[1], new LinkedHashMap<>());
                families.put(parts[0], current);
            } else if (line.startsWith("# TYPE ")) {
                current.type()[0] = line.substring(7).split(" ")[1];
            } else if (!line.isEmpty()) {
                int space = line.lastIndexOf(' ');
                String series = line.substring(0, space);
                int brace = series.indexOf('{');
                current.samples().put(brace < 0 ? "" : series.substring(brace), line.substring(space + 1));
            }
        }
        return new Exposition(families);
    }

    List<String> names() {
        return new ArrayList<>(families.keySet());
    }

    Family family(String name) {
        return families.get(name);
    }

    /** One family: name, HELP, TYPE (in a one-element array, filled after HELP), samples by their labels. */
    record Family(String name, String help, String[] type, Map<String, String> samples) {

        /** The label names of each sample with the values of the state/code labels: the family's shape. */
        List<String> labelSets() {
            List<String> sets = new ArrayList<>();
            for (String labels : samples.keySet()) {
                sets.add(labels.replaceAll("(proxy|server|version)=\"[^\"]*\"", "$1"));
            }
            return sets.stream().distinct().toList();
        }

        /** The samples whose labels contain {@code part}, sorted by labels. */
        Map<String, String> samplesWith(String part) {
            Map<String, String> out = new TreeMap<>();
            samples.forEach((k, v) -> {
                if (k.contains(part)) {
                    out.put(k, v);
                }
            });
            return out;
        }
    }
}
