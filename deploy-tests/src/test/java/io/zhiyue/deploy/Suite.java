package io.zhiyue.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the manifests are checked against: the objects, the repository's service modules, the Secrets
 * k8s/README.md tells the operator to create, and the gateway's WebSocket path.
 */
record Suite(ManifestSet manifests, Map<String, ServiceModule> modules, Map<String, Set<String>> documentedSecrets,
             String webSocketPath) {

    static final String GATEWAY = "api-gateway";
    static final String MONITORING_NAMESPACE = "monitoring";

    private static final Pattern WEB_SOCKET = Pattern.compile("@WebSocket\\(\\s*path\\s*=\\s*\"([^\"]+)\"");

    static Suite of(ManifestSet manifests) {
        Path root = Repository.root();
        return new Suite(manifests, ServiceModules.byName(root), DocumentedSecrets.in(root.resolve("k8s/README.md")),
                webSocketPath(root));
    }

    Suite with(ManifestSet other) {
        return new Suite(other, modules, documentedSecrets, webSocketPath);
    }

    /** The path of the gateway's {@code @WebSocket} endpoint, read from its source. */
    static String webSocketPath(Path root) {
        try (Stream<Path> sources = Files.walk(root.resolve(GATEWAY).resolve("src/main/java"))) {
            return sources.filter(file -> file.toString().endsWith(".java"))
                    .map(file -> WEB_SOCKET.matcher(Repository.read(file)))
                    .filter(Matcher::find)
                    .map(matcher -> matcher.group(1))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no @WebSocket endpoint in " + GATEWAY));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
