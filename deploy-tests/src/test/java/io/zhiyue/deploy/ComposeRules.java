package io.zhiyue.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Invariants of docker-compose.yml against the service modules: images, ports, environment, start order. */
final class ComposeRules {

    /** ${VAR}, ${VAR:-default}, ${VAR-default}: compose's interpolation, resolved to the default (no shell here). */
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?::?-([^}]*))?}");

    private ComposeRules() {
    }

    static JsonNode read(String yaml, String origin) {
        return StrictManifestLoader.documents(yaml, origin).getFirst();
    }

    /** Every service module is a compose service built from its module directory with a Dockerfile.jvm that exists. */
    static List<String> everyModuleBuilt(JsonNode compose, Collection<ServiceModule> modules, Path root) {
        List<String> violations = new ArrayList<>();
        for (ServiceModule module : modules) {
            JsonNode service = compose.path("services").path(module.name());
            if (service.isMissingNode()) {
                violations.add("module " + module.name() + ": no compose service of that name");
                continue;
            }
            Path context = root.resolve(service.path("build").path("context").asText("")).normalize();
            String dockerfile = service.path("build").path("dockerfile").asText("");
            if (!context.equals(root.resolve(module.name()).normalize())) {
                violations.add(module.name() + ": build context " + service.path("build").path("context").asText()
                        + " is not ./" + module.name());
            }
            if (!dockerfile.endsWith("Dockerfile.jvm") || !Files.isRegularFile(context.resolve(dockerfile))) {
                violations.add(module.name() + ": dockerfile " + dockerfile + " is not an existing Dockerfile.jvm in its context");
            }
        }
        return violations;
    }

    /** Every service module listens where its module says: QUARKUS_HTTP_PORT is its quarkus.http.port. */
    static List<String> portsMatch(JsonNode compose, Collection<ServiceModule> modules) {
        List<String> violations = new ArrayList<>();
        for (ServiceModule module : modules) {
            String port = environment(compose.path("services").path(module.name())).get("QUARKUS_HTTP_PORT");
            if (!String.valueOf(module.port()).equals(port)) {
                violations.add(module.name() + ": QUARKUS_HTTP_PORT is " + port + ", its quarkus.http.port is " + module.port());
            }
        }
        return violations;
    }

    /**
     * Every variable a service needs is set (not to localhost: that is the container itself), a file it names is
     * mounted, and every ZHIYUE_ / QUARKUS_ variable set is one the service reads.
     */
    static List<String> needsProvided(JsonNode compose, Collection<ServiceModule> modules) {
        List<String> violations = new ArrayList<>();
        for (ServiceModule module : modules) {
            JsonNode service = compose.path("services").path(module.name());
            Map<String, String> environment = environment(service);
            for (String needed : module.needs()) {
                String value = environment.get(needed);
                if (value == null) {
                    violations.add(module.name() + ": needs " + needed + ", not in its environment");
                } else if (value.isBlank()) {
                    violations.add(module.name() + ": " + needed + " is empty");
                } else if (module.connectsTo(needed) && ServiceModules.pointsAtThisMachine(value)) {
                    violations.add(module.name() + ": " + needed + " = " + value + " points at the container itself");
                } else if (value.startsWith("/") && mountTargets(service).stream().noneMatch(target ->
                        value.equals(target) || value.startsWith(target.endsWith("/") ? target : target + "/"))) {
                    violations.add(module.name() + ": " + needed + " names the file " + value + ", which no volume mounts");
                }
            }
            for (String name : environment.keySet()) {
                if ((name.startsWith("ZHIYUE_") || name.startsWith("QUARKUS_")) && !module.readsVariable(name)) {
                    violations.add(module.name() + ": sets " + name + ", which it does not read");
                }
            }
        }
        return violations;
    }

    /**
     * Health-checked start order: every depends_on names a condition, a service_healthy one a service with a
     * healthcheck; each service module has a readiness healthcheck on its port and waits for what its environment
     * names (PostgreSQL, Redis, the services it calls).
     */
    static List<String> startOrder(JsonNode compose, Collection<ServiceModule> modules) {
        List<String> violations = new ArrayList<>();
        JsonNode services = compose.path("services");
        for (Map.Entry<String, JsonNode> entry : fields(services).entrySet()) {
            JsonNode dependsOn = entry.getValue().path("depends_on");
            if (dependsOn.isArray()) {
                violations.add(entry.getKey() + ": depends_on is a list, without conditions");
                continue;
            }
            for (Map.Entry<String, JsonNode> dependency : fields(dependsOn).entrySet()) {
                String condition = dependency.getValue().path("condition").asText("");
                if (condition.isEmpty()) {
                    violations.add(entry.getKey() + ": depends on " + dependency.getKey() + " without a condition");
                } else if (condition.equals("service_healthy")
                        && services.path(dependency.getKey()).path("healthcheck").isMissingNode()) {
                    violations.add(entry.getKey() + ": waits for " + dependency.getKey() + " to be healthy, which has no healthcheck");
                }
            }
        }
        for (ServiceModule module : modules) {
            JsonNode service = services.path(module.name());
            String healthcheck = service.path("healthcheck").path("test").toString();
            if (!healthcheck.contains(WorkloadRules.READY) || !healthcheck.contains(String.valueOf(module.port()))) {
                violations.add(module.name() + ": no healthcheck on " + WorkloadRules.READY + " at port " + module.port());
            }
            for (String value : environment(service).values()) {
                for (Addresses.Address address : Addresses.in(value)) {
                    if (services.has(address.host()) && !address.host().equals(module.name())
                            && service.path("depends_on").path(address.host()).isMissingNode()) {
                        violations.add(module.name() + ": calls " + address.host() + " but does not wait for it (depends_on)");
                    }
                }
            }
        }
        return violations;
    }

    /** A compose service's environment (map or list form), interpolations resolved to their defaults. */
    static Map<String, String> environment(JsonNode service) {
        Map<String, String> environment = new LinkedHashMap<>();
        JsonNode node = service.path("environment");
        if (node.isArray()) {
            for (JsonNode item : node) {
                String[] pair = item.asText().split("=", 2);
                environment.put(pair[0], pair.length > 1 ? interpolate(pair[1]) : null);
            }
        } else {
            fields(node).forEach((name, value) -> environment.put(name, value.isNull() ? null : interpolate(value.asText())));
        }
        return environment;
    }

    static String interpolate(String value) {
        Matcher matcher = INTERPOLATION.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(matcher.group(2) == null ? "" : matcher.group(2)));
        }
        matcher.appendTail(resolved);
        return resolved.toString();
    }

    /** Where a service's volumes appear in the container ("src:target[:mode]" or the long form's target). */
    static List<String> mountTargets(JsonNode service) {
        List<String> targets = new ArrayList<>();
        for (JsonNode volume : service.path("volumes")) {
            if (volume.isTextual()) {
                String[] parts = volume.asText().split(":");
                targets.add(parts.length >= 2 ? parts[1] : parts[0]);
            } else {
                targets.add(volume.path("target").asText());
            }
        }
        return targets;
    }

    static Map<String, JsonNode> fields(JsonNode node) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        node.properties().forEach(entry -> fields.put(entry.getKey(), entry.getValue()));
        return fields;
    }
}
