package io.zhiyue.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads every service module's configuration: its application.properties and the shared ones it inherits. */
final class ServiceModules {

    static final String SHARED_STREAMS_PROPERTIES = "shared-streams/src/main/resources/META-INF/microprofile-config.properties";
    static final String CONNECTION_CONFIG_SOURCE =
            "shared-model/src/main/java/io/zhiyue/shared/config/ZhiyueConnectionConfigSource.java";

    /**
     * shared-model's ConfigSource: each variable and the properties it sets (ConnectionUrls). ConnectionSettingsTest
     * keeps the variables in step with the source.
     */
    static final Map<String, List<String>> CONNECTION_VARIABLES = Map.of(
            "ZHIYUE_PG_URL", List.of("quarkus.datasource.jdbc.url", "quarkus.datasource.reactive.url",
                    "quarkus.datasource.username", "quarkus.datasource.password"),
            "ZHIYUE_REDIS_URL", List.of("quarkus.redis.hosts"));

    private static final Pattern ZHIYUE_REFERENCE = Pattern.compile("\\$\\{(ZHIYUE_[A-Z0-9_]+)(?::([^}]*))?}");
    private static final Pattern CONFIG_SOURCE_VARIABLE = Pattern.compile("setting\\(\"(ZHIYUE_[A-Z0-9_]+)\"");

    private ServiceModules() {
    }

    static List<ServiceModule> read(Path root) {
        List<ServiceModule> services = new ArrayList<>();
        for (String module : Repository.modules(root)) {
            Path properties = root.resolve(module).resolve("src/main/resources/application.properties");
            if (Files.isRegularFile(properties) && load(properties).containsKey("quarkus.http.port")) {
                services.add(read(root, module));
            }
        }
        return services;
    }

    static Map<String, ServiceModule> byName(Path root) {
        Map<String, ServiceModule> byName = new LinkedHashMap<>();
        read(root).forEach(service -> byName.put(service.name(), service));
        return byName;
    }

    static ServiceModule read(Path root, String module) {
        String pom = Repository.read(root.resolve(module).resolve("pom.xml"));
        Properties own = load(root.resolve(module).resolve("src/main/resources/application.properties"));
        List<Properties> all = new ArrayList<>(List.of(own));
        if (pom.contains("<artifactId>shared-streams</artifactId>")) {
            all.add(load(root.resolve(SHARED_STREAMS_PROPERTIES)));
        }
        boolean connectionSource = pom.contains("<artifactId>shared-model</artifactId>");

        Set<String> reads = new TreeSet<>();
        Set<String> needs = new TreeSet<>();
        Set<String> origins = new TreeSet<>();
        if (connectionSource) {
            reads.addAll(CONNECTION_VARIABLES.keySet());
        }
        for (Properties properties : all) {
            for (String key : properties.stringPropertyNames()) {
                String value = properties.getProperty(key);
                boolean profiled = key.startsWith("%");
                String property = profiled ? key.substring(key.indexOf('.') + 1) : key;
                reads.add(environmentName(property));
                Matcher reference = ZHIYUE_REFERENCE.matcher(value);
                boolean referencesVariable = false;
                while (reference.find()) {
                    referencesVariable = true;
                    reads.add(reference.group(1));
                    if (!profiled && (reference.group(2) == null || pointsAtThisMachine(reference.group(2))
                            || isLocalFile(reference.group(2)))) {
                        needs.add(reference.group(1));
                        if (property.endsWith(".cors.origins")) {
                            origins.add(reference.group(1));
                        }
                    }
                }
                if (!profiled && !referencesVariable && !value.contains("${") && pointsAtThisMachine(value)) {
                    needs.add(connectionSource ? overrideOf(property) : environmentName(property));
                }
            }
        }
        String port = own.getProperty("quarkus.http.port");
        String shutdown = own.getProperty("quarkus.shutdown.timeout", "0s");
        return new ServiceModule(module, Integer.parseInt(port.trim()), duration(shutdown), reads, needs, origins);
    }

    /** The variable that overrides a property: shared-model's connection variable if it covers it, else its env form. */
    private static String overrideOf(String property) {
        return CONNECTION_VARIABLES.entrySet().stream()
                .filter(entry -> entry.getValue().contains(property))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(environmentName(property));
    }

    /** The variable names shared-model's ConfigSource reads, from its source. */
    static Set<String> connectionVariablesInSource(Path root) {
        Matcher matcher = CONFIG_SOURCE_VARIABLE.matcher(Repository.read(root.resolve(CONNECTION_CONFIG_SOURCE)));
        Set<String> variables = new TreeSet<>();
        while (matcher.find()) {
            variables.add(matcher.group(1));
        }
        return variables;
    }

    /** SmallRye Config's environment form: every character other than a letter or digit becomes '_', upper case. */
    static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    static boolean pointsAtThisMachine(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        return lower.contains("localhost") || lower.contains("127.0.0.1") || lower.contains("[::1]");
    }

    /** A path without a scheme: ".zhiyue/jwt/jwt-public.pem", "/etc/key.pem". */
    static boolean isLocalFile(String value) {
        return !value.contains("://") && (value.startsWith("/") || value.startsWith(".") || value.contains("/"));
    }

    /** Quarkus durations: "10s", "500ms", "2m", a bare number of seconds, or ISO-8601 ("PT15S"). */
    static Duration duration(String text) {
        String value = text.trim();
        if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        }
        Matcher matcher = Pattern.compile("(\\d+)(ms|s|m|h|d)?").matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
