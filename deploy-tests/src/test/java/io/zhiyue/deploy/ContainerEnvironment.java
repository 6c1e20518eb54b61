package io.zhiyue.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The environment a container gets: each variable, where it comes from and, when the set holds it, its value. */
final class ContainerEnvironment {

    enum Source { LITERAL, CONFIG_MAP, SECRET, FIELD }

    /**
     * @param sourceName the ConfigMap or Secret (null for a literal)
     * @param key        the key in it (null for a whole envFrom Secret not in the set)
     * @param value      the value when known: a literal, a ConfigMap's, a Secret's in the set (decoded); else null
     */
    record Variable(String name, Source source, String sourceName, String key, boolean optional, String value) {
    }

    private ContainerEnvironment() {
    }

    /** The variables by name (the last definition wins, as in Kubernetes: env after envFrom). */
    static Map<String, Variable> of(Container container, Suite suite) {
        Map<String, Variable> variables = new LinkedHashMap<>();
        for (EnvFromSource from : list(container.getEnvFrom())) {
            String prefix = from.getPrefix() == null ? "" : from.getPrefix();
            if (from.getConfigMapRef() != null) {
                String name = from.getConfigMapRef().getName();
                configMapData(suite, name).forEach((key, value) -> variables.put(prefix + key,
                        new Variable(prefix + key, Source.CONFIG_MAP, name, key, false, value)));
            }
            if (from.getSecretRef() != null) {
                String name = from.getSecretRef().getName();
                secretKeys(suite, name).forEach(key -> variables.put(prefix + key,
                        new Variable(prefix + key, Source.SECRET, name, key, false, secretValue(suite, name, key).orElse(null))));
            }
        }
        for (EnvVar env : list(container.getEnv())) {
            variables.put(env.getName(), variable(env, suite));
        }
        return variables;
    }

    private static Variable variable(EnvVar env, Suite suite) {
        if (env.getValueFrom() == null) {
            return new Variable(env.getName(), Source.LITERAL, null, null, false, env.getValue() == null ? "" : env.getValue());
        }
        ConfigMapKeySelector configMapKey = env.getValueFrom().getConfigMapKeyRef();
        if (configMapKey != null) {
            String value = configMapData(suite, configMapKey.getName()).get(configMapKey.getKey());
            return new Variable(env.getName(), Source.CONFIG_MAP, configMapKey.getName(), configMapKey.getKey(),
                    Boolean.TRUE.equals(configMapKey.getOptional()), value);
        }
        SecretKeySelector secretKey = env.getValueFrom().getSecretKeyRef();
        if (secretKey != null) {
            return new Variable(env.getName(), Source.SECRET, secretKey.getName(), secretKey.getKey(),
                    Boolean.TRUE.equals(secretKey.getOptional()),
                    secretValue(suite, secretKey.getName(), secretKey.getKey()).orElse(null));
        }
        return new Variable(env.getName(), Source.FIELD, null, null, false, null);
    }

    static Map<String, String> configMapData(Suite suite, String name) {
        return suite.manifests().named(ConfigMap.class, name)
                .map(configMap -> configMap.getData() == null ? Map.<String, String>of() : configMap.getData())
                .orElse(Map.of());
    }

    /** The keys of a Secret: from the set if it holds it, else from k8s/README.md's command. */
    static Set<String> secretKeys(Suite suite, String name) {
        Optional<Secret> secret = suite.manifests().named(Secret.class, name);
        if (secret.isPresent()) {
            Set<String> keys = new java.util.TreeSet<>();
            if (secret.get().getData() != null) {
                keys.addAll(secret.get().getData().keySet());
            }
            if (secret.get().getStringData() != null) {
                keys.addAll(secret.get().getStringData().keySet());
            }
            return keys;
        }
        return suite.documentedSecrets().getOrDefault(name, Set.of());
    }

    static Optional<String> secretValue(Suite suite, String name, String key) {
        return suite.manifests().named(Secret.class, name).flatMap(secret -> {
            if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
                return Optional.of(secret.getStringData().get(key));
            }
            if (secret.getData() != null && secret.getData().containsKey(key)) {
                return Optional.of(new String(Base64.getMimeDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8));
            }
            return Optional.empty();
        });
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? new ArrayList<>() : list;
    }
}
