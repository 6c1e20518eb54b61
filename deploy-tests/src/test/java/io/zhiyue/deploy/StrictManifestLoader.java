package io.zhiyue.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads YAML into the fabric8 Kubernetes model strictly. fabric8's classes keep fields they do not know in
 * {@code additionalProperties} (a Jackson any-setter, so FAIL_ON_UNKNOWN_PROPERTIES never fires); this loader walks
 * the loaded object graph and fails on any of them. It also fails on a kind outside the suite's vocabulary, a
 * duplicate key, and a scalar of the wrong type (a number or boolean where Kubernetes wants a string, a string
 * where it wants a number), which the API server would refuse too.
 */
final class StrictManifestLoader {

    /** The kinds the suite deploys, by apiVersion and kind. */
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("batch/v1/CronJob", CronJob.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class));

    private static final YAMLMapper MAPPER = strictMapper();

    private StrictManifestLoader() {
    }

    static List<Manifest> resources(Path file) {
        return resources(Repository.read(file), Repository.root().relativize(file.toAbsolutePath()).toString());
    }

    static List<Manifest> resources(String yaml, String origin) {
        return load(yaml, origin, false);
    }

    /** A strategic-merge patch: the same strictness, but kustomize's directives ($patch, $setElementOrder...) pass. */
    static List<Manifest> patches(Path file) {
        return patches(Repository.read(file), Repository.root().relativize(file.toAbsolutePath()).toString());
    }

    static List<Manifest> patches(String yaml, String origin) {
        return load(yaml, origin, true);
    }

    /** Every document of a YAML text as a tree (empty documents dropped), duplicate keys refused. */
    static List<JsonNode> documents(String yaml, String origin) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> iterator = MAPPER.readerFor(JsonNode.class).readValues(yaml)) {
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
        } catch (Exception e) {
            throw new ManifestException(origin + ": not valid YAML: " + e.getMessage(), e);
        }
        return documents;
    }

    private static List<Manifest> load(String yaml, String origin, boolean patch) {
        List<Manifest> manifests = new ArrayList<>();
        int number = 0;
        for (JsonNode document : documents(yaml, origin)) {
            number++;
            String where = origin + " #" + number;
            if (!document.isObject()) {
                throw new ManifestException(where + ": not a mapping");
            }
            if (patch) {
                document = withoutDirectives(document.deepCopy());
            }
            manifests.add(new Manifest(bind((ObjectNode) document, where), where));
        }
        return manifests;
    }

    private static HasMetadata bind(ObjectNode document, String where) {
        String apiVersion = document.path("apiVersion").asText("");
        String kind = document.path("kind").asText("");
        Class<? extends HasMetadata> type = KINDS.get(apiVersion + "/" + kind);
        if (type == null) {
            throw new ManifestException(where + ": kind " + apiVersion + "/" + kind
                    + " is none of the kinds the suite deploys " + KINDS.keySet());
        }
        HasMetadata object;
        try {
            object = MAPPER.treeToValue(document, type);
        } catch (JsonProcessingException e) {
            throw new ManifestException(where + " (" + kind + "): " + e.getOriginalMessage()
                    + " at " + e.getLocation(), e);
        }
        List<String> unknown = new ArrayList<>();
        collectUnknownFields(object, kind, unknown, Collections.newSetFromMap(new IdentityHashMap<>()));
        if (!unknown.isEmpty()) {
            String name = document.path("metadata").path("name").asText("?");
            throw new ManifestException(where + " (" + kind + " " + name + "): unknown field(s) " + unknown);
        }
        return object;
    }

    /** The paths of every field the model did not know: the non-empty additionalProperties in the graph. */
    private static void collectUnknownFields(Object value, String path, List<String> unknown, Set<Object> seen) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> collection) {
            int index = 0;
            for (Object element : collection) {
                collectUnknownFields(element, path + "[" + index++ + "]", unknown, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, element) -> collectUnknownFields(element, path + "." + key, unknown, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.") || !seen.add(value)) {
            return;
        }
        for (Class<?> type = value.getClass(); type != null && type.getName().startsWith("io.fabric8."); type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                Object fieldValue = read(field, value);
                if (field.getName().equals("additionalProperties")) {
                    if (fieldValue instanceof Map<?, ?> extra) {
                        extra.keySet().forEach(key -> unknown.add(path + "." + key));
                    }
                } else {
                    collectUnknownFields(fieldValue, path + "." + jsonName(field), unknown, seen);
                }
            }
        }
    }

    private static Object read(Field field, Object owner) {
        try {
            field.setAccessible(true);
            return field.get(owner);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + field, e);
        }
    }

    private static String jsonName(Field field) {
        JsonProperty property = field.getAnnotation(JsonProperty.class);
        return property != null && !property.value().isEmpty() ? property.value() : field.getName();
    }

    private static JsonNode withoutDirectives(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                if (names.next().startsWith("$")) {
                    names.remove();
                }
            }
            object.forEach(StrictManifestLoader::withoutDirectives);
        } else if (node.isArray()) {
            node.forEach(StrictManifestLoader::withoutDirectives);
        }
        return node;
    }

    private static YAMLMapper strictMapper() {
        YAMLMapper mapper = YAMLMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        // Kubernetes' strings are strings: `value: 8080` or `prometheus.io/scrape: true` are refused by the API server
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return mapper;
    }
}
