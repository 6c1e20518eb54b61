package io.zhiyue.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Invariants of the compose monitoring: Prometheus scrapes every service, Grafana has the data sources dashboards name. */
final class MonitoringRules {

    private MonitoringRules() {
    }

    /**
     * A job per service module, named after it (rules and dashboards group by job), scraping /q/metrics at
     * module:port (static target or DNS discovery), and the alert rules loaded.
     */
    static List<String> scrapesEveryService(JsonNode prometheus, Collection<ServiceModule> modules) {
        List<String> violations = new ArrayList<>();
        Set<String> ruleFiles = new TreeSet<>();
        prometheus.path("rule_files").forEach(file -> ruleFiles.add(file.asText()));
        if (!ruleFiles.contains("rules.yml")) {
            violations.add("prometheus.yml: rule_files does not load rules.yml " + ruleFiles);
        }
        for (ServiceModule module : modules) {
            JsonNode job = null;
            for (JsonNode candidate : prometheus.path("scrape_configs")) {
                if (module.name().equals(candidate.path("job_name").asText())) {
                    job = candidate;
                }
            }
            if (job == null) {
                violations.add("prometheus.yml: no scrape job named " + module.name());
                continue;
            }
            if (!WorkloadRules.METRICS.equals(job.path("metrics_path").asText())) {
                violations.add("prometheus.yml job " + module.name() + ": metrics_path is not " + WorkloadRules.METRICS);
            }
            if (!targets(job).contains(module.name() + ":" + module.port())) {
                violations.add("prometheus.yml job " + module.name() + ": does not scrape " + module.name() + ":"
                        + module.port() + " (it scrapes " + targets(job) + ")");
            }
        }
        return violations;
    }

    private static Set<String> targets(JsonNode job) {
        Set<String> targets = new TreeSet<>();
        for (JsonNode config : job.path("static_configs")) {
            config.path("targets").forEach(target -> targets.add(target.asText()));
        }
        for (JsonNode config : job.path("dns_sd_configs")) {
            config.path("names").forEach(name -> targets.add(name.asText() + ":" + config.path("port").asText()));
        }
        return targets;
    }

    /** The Prometheus compose service mounts prometheus.yml and rules.yml side by side (rule_files are relative). */
    static List<String> composeMountsMonitoring(JsonNode compose) {
        List<String> violations = new ArrayList<>();
        List<String> prometheus = volumes(compose, "prometheus");
        for (String file : List.of("prometheus.yml", "rules.yml")) {
            if (!prometheus.contains("./monitoring/prometheus/" + file + ":/etc/prometheus/" + file + ":ro")) {
                violations.add("compose prometheus: does not mount monitoring/prometheus/" + file + " at /etc/prometheus/" + file);
            }
        }
        List<String> grafana = volumes(compose, "grafana");
        if (!grafana.contains("./monitoring/grafana/provisioning:/etc/grafana/provisioning:ro")) {
            violations.add("compose grafana: does not mount monitoring/grafana/provisioning at /etc/grafana/provisioning");
        }
        if (!grafana.contains("./monitoring/grafana/dashboards:/var/lib/grafana/dashboards:ro")) {
            violations.add("compose grafana: does not mount monitoring/grafana/dashboards at /var/lib/grafana/dashboards");
        }
        return violations;
    }

    private static List<String> volumes(JsonNode compose, String service) {
        List<String> volumes = new ArrayList<>();
        compose.path("services").path(service).path("volumes").forEach(volume -> volumes.add(volume.asText()));
        return volumes;
    }

    /** The data source uids Grafana's provisioning defines. */
    static Set<String> provisionedDataSources(Path provisioning) throws java.io.IOException {
        Set<String> uids = new TreeSet<>();
        try (Stream<Path> files = Files.list(provisioning.resolve("datasources"))) {
            for (Path file : files.filter(MonitoringRules::isYaml).toList()) {
                for (JsonNode document : StrictManifestLoader.documents(Repository.read(file), file.toString())) {
                    document.path("datasources").forEach(source -> uids.add(source.path("uid").asText()));
                }
            }
        }
        return uids;
    }

    /** The provider's path is where compose mounts the dashboards. */
    static List<String> dashboardProviderPath(Path provisioning) throws java.io.IOException {
        List<String> violations = new ArrayList<>();
        Set<String> paths = new TreeSet<>();
        try (Stream<Path> files = Files.list(provisioning.resolve("dashboards"))) {
            for (Path file : files.filter(MonitoringRules::isYaml).toList()) {
                for (JsonNode document : StrictManifestLoader.documents(Repository.read(file), file.toString())) {
                    document.path("providers").forEach(provider -> paths.add(provider.path("options").path("path").asText()));
                }
            }
        }
        if (!paths.contains("/var/lib/grafana/dashboards")) {
            violations.add("grafana provisioning: no dashboard provider reads /var/lib/grafana/dashboards " + paths);
        }
        return violations;
    }

    /** Every data source uid a dashboard names (other than a template variable) is provisioned. */
    static List<String> dashboardsUseProvisionedSources(JsonNode dashboard, String name, Set<String> provisioned) {
        List<String> violations = new ArrayList<>();
        collectSources(dashboard, name, provisioned, violations);
        return violations;
    }

    private static void collectSources(JsonNode node, String name, Set<String> provisioned, List<String> violations) {
        if (node.isObject()) {
            JsonNode source = node.get("datasource");
            if (source != null && source.isObject() && source.has("uid")) {
                String uid = source.get("uid").asText();
                if (!uid.startsWith("$") && !uid.startsWith("-- ") && !provisioned.contains(uid)) {
                    violations.add("dashboard " + name + ": data source uid " + uid + " is not provisioned " + provisioned);
                }
            }
            node.forEach(child -> collectSources(child, name, provisioned, violations));
        } else if (node.isArray()) {
            node.forEach(child -> collectSources(child, name, provisioned, violations));
        }
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".yml") || name.endsWith(".yaml");
    }
}
