package io.zhiyue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Every PromQL expression operators run against the suite: the alert expressions of
 * {@code monitoring/prometheus/rules.yml} and the panel queries ({@code expr}) of the dashboards in
 * {@code monitoring/grafana/dashboards}, each with where it comes from.
 */
final class MonitoringQueries {

    static final String RULES = "monitoring/prometheus/rules.yml";
    static final String RULE_TESTS = "monitoring/prometheus/rules-test.yml";
    static final String DASHBOARDS = "monitoring/grafana/dashboards";

    /** One expression and where it is: the file and the alert or the panel. */
    record Query(String where, String expr) {
    }

    private MonitoringQueries() {
    }

    /** The repository's root: failsafe names it, surefire runs in e2e-tests. */
    static Path root() {
        return Path.of(System.getProperty("zhiyue.root", "..")).toAbsolutePath().normalize();
    }

    static JsonNode rules(Path root) {
        return yaml(root.resolve(RULES));
    }

    static JsonNode yaml(Path file) {
        try {
            return new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> dashboards(Path root) {
        try (Stream<Path> files = Files.list(root.resolve(DASHBOARDS))) {
            return files.filter(file -> file.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Query> all(Path root) {
        List<Query> queries = new ArrayList<>();
        for (JsonNode group : rules(root).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? "alert " + rule.path("alert").asText()
                        : "record " + rule.path("record").asText();
                queries.add(new Query(RULES + " " + name, rule.path("expr").asText()));
            }
        }
        for (Path dashboard : dashboards(root)) {
            JsonNode json;
            try {
                json = new ObjectMapper().readTree(dashboard.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            panelQueries(DASHBOARDS + "/" + dashboard.getFileName(), json.path("panels"), queries);
        }
        return queries;
    }

    /** Panels and the panels of rows, recursively. */
    private static void panelQueries(String file, JsonNode panels, List<Query> queries) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    queries.add(new Query(file + " panel '" + panel.path("title").asText() + "'",
                            target.path("expr").asText()));
                }
            }
            panelQueries(file, panel.path("panels"), queries);
        }
    }

    /** Every metric name the queries read, with where each is read. */
    static Map<String, Set<String>> metricNames(List<Query> queries) {
        Map<String, Set<String>> names = new TreeMap<>();
        for (Query query : queries) {
            for (String name : PromQlNames.of(query.expr())) {
                names.computeIfAbsent(name, key -> new TreeSet<>()).add(query.where());
            }
        }
        return names;
    }

    /** The metric names of a Prometheus text exposition (its sample lines, so counters with their _total). */
    static Set<String> exposed(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    /** The names {@code queries} read that none of {@code exported} holds, each with where it is read. */
    static Map<String, Set<String>> missing(List<Query> queries, Set<String> exported) {
        Map<String, Set<String>> missing = new TreeMap<>(metricNames(queries));
        missing.keySet().removeAll(exported);
        return missing;
    }
}
