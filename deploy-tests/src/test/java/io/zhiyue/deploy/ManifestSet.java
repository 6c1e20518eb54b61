package io.zhiyue.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The objects of one deployment (a base, a rendered overlay, or a few documents in a test), with lookups. */
record ManifestSet(List<Manifest> manifests) {

    /**
     * The resources of a kustomization and of the kustomizations it includes, unpatched (what a base is), with the
     * Secrets their secretGenerators make (without kustomize's hash suffix, so references need no rewriting).
     */
    static ManifestSet ofKustomization(Path dir) {
        List<Manifest> manifests = new ArrayList<>();
        Kustomization kustomization = Kustomization.read(dir);
        for (Path resourceDir : kustomization.resourceDirs()) {
            manifests.addAll(ofKustomization(resourceDir).manifests());
        }
        for (Path file : kustomization.resourceFiles()) {
            manifests.addAll(StrictManifestLoader.resources(file));
        }
        manifests.addAll(generated(kustomization));
        return new ManifestSet(manifests);
    }

    /** The Secrets a kustomization's secretGenerator makes, as manifests. */
    static List<Manifest> generated(Kustomization kustomization) {
        String origin = Repository.root().relativize(kustomization.dir().toAbsolutePath()) + "/kustomization.yaml secretGenerator";
        return kustomization.secretGenerator().stream().map(secret -> new Manifest(secret, origin)).toList();
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

    /**
     * Deployments, StatefulSets and CronJobs as the pods they make. A CronJob's pods are held to what every pod is
     * (resources, lockdown, references, network admission as a caller) but serve nothing: the rules on probes,
     * images and Prometheus are the Deployments', and Services and budgets select serving pods only ({@link Workload#serves}).
     */
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
        for (CronJob cronJob : all(CronJob.class)) {
            PodTemplateSpec template = cronJob.getSpec().getJobTemplate().getSpec().getTemplate();
            workloads.add(new Workload("CronJob", cronJob.getMetadata().getName(), template.getMetadata(), template.getSpec()));
        }
        return workloads;
    }

    /** The pods of a Deployment, StatefulSet or CronJob: its name, pod template labels and annotations, pod spec. */
    record Workload(String kind, String name, ObjectMeta podMetadata, PodSpec pod) {

        /** Long-running pods a Service or a disruption budget may select; a CronJob's run to completion. */
        boolean serves() {
            return !kind.equals("CronJob");
        }

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
