package io.zhiyue.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The objects of one deployment (a base, a rendered overlay, or a few documents in a test), with lookups. */
record ManifestSet(List<Manifest> manifests) {

    /** The resources of a kustomization and of the kustomizations it includes, unpatched (what a base is). */
    static ManifestSet ofKustomization(Path dir) {
        List<Manifest> manifests = new ArrayList<>();
        Kustomization kustomization = Kustomization.read(dir);
        for (Path resourceDir : kustomization.resourceDirs()) {
            manifests.addAll(ofKustomization(resourceDir).manifests());
        }
        for (Path file : kustomization.resourceFiles()) {
            manifests.addAll(StrictManifestLoader.resources(file));
        }
        return new ManifestSet(manifests);
    }

    static ManifestSet of(String yaml) {
        return new ManifestSet(StrictManifestLoader.resources(yaml, "inline"));
    }

    static ManifestSet rendered(String yaml, String origin) {
        return new ManifestSet(StrictManifestLoader.resources(yaml, origin));
    }

    static boolean isKustomization(Path dir) {
        return Files.isRegularFile(dir.resolve("kustomization.yaml"));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return manifests.stream().map(Manifest::object).filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
        return all(type).stream().filter(object -> name.equals(object.getMetadata().getName())).findFirst();
    }

    List<Deployment> deployments() {
        return all(Deployment.class);
    }

    List<Service> services() {
        return all(Service.class);
    }

    List<ConfigMap> configMaps() {
        return all(ConfigMap.class);
    }

    List<Secret> secrets() {
        return all(Secret.class);
    }

    /** Deployments and StatefulSets as the pods they make. */
    List<Workload> workloads() {
        List<Workload> workloads = new ArrayList<>();
        for (Deployment deployment : deployments()) {
            workloads.add(new Workload("Deployment", deployment.getMetadata().getName(),
                    deployment.getSpec().getTemplate().getMetadata(), deployment.getSpec().getTemplate().getSpec()));
        }
        for (StatefulSet statefulSet : all(StatefulSet.class)) {
            workloads.add(new Workload("StatefulSet", statefulSet.getMetadata().getName(),
                    statefulSet.getSpec().getTemplate().getMetadata(), statefulSet.getSpec().getTemplate().getSpec()));
        }
        return workloads;
    }

    /** The pods of a Deployment or StatefulSet: its name, pod template labels and annotations, pod spec. */
    record Workload(String kind, String name, ObjectMeta podMetadata, PodSpec pod) {

        Map<String, String> labels() {
            return podMetadata == null || podMetadata.getLabels() == null ? Map.of() : podMetadata.getLabels();
        }

        Map<String, String> annotations() {
            return podMetadata == null || podMetadata.getAnnotations() == null ? Map.of() : podMetadata.getAnnotations();
        }

        @Override
        public String toString() {
            return kind + " " + name;
        }
    }
}
