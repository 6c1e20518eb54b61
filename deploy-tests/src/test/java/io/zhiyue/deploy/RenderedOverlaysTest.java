package io.zhiyue.deploy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.zhiyue.deploy.ManifestSet.Workload;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The overlays as kubectl renders them (kubectl kustomize), loaded strictly and checked like the base. Skipped,
 * and reported as skipped, where kubectl is not on the PATH.
 */
class RenderedOverlaysTest {

    private static final Map<String, Suite> RENDERED = new ConcurrentHashMap<>();

    @TestFactory
    Stream<DynamicTest> devKeepsEveryInvariant() {
        return Invariants.checkedOn(rendered("dev"));
    }

    @TestFactory
    Stream<DynamicTest> prodKeepsEveryInvariant() {
        return Invariants.checkedOn(rendered("prod"));
    }

    @Test
    void devRunsOneReplicaOfEverythingWithPostgresAndRedisInTheCluster() {
        Suite dev = rendered("dev");

        assertThat(dev.manifests().deployments()).allSatisfy(deployment ->
                assertThat(deployment.getSpec().getReplicas()).as(deployment.getMetadata().getName()).isEqualTo(1));
        assertThat(dev.manifests().all(HorizontalPodAutoscaler.class)).isEmpty();
        assertThat(dev.manifests().all(PodDisruptionBudget.class)).isEmpty();
        assertThat(dev.manifests().all(StatefulSet.class))
                .extracting(statefulSet -> statefulSet.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
                .containsExactlyInAnyOrder("postgres:16", "redis:7");
        assertThat(dev.manifests().deployments()).allSatisfy(deployment ->
                assertThat(image(deployment)).as("dev runs JVM images").doesNotEndWith("-native"));
    }

    @Test
    void devGeneratesOnlyTheThrowawayDatabaseAndRedisSecrets() {
        Set<String> generated = rendered("dev").manifests().secrets().stream()
                .map(secret -> secret.getMetadata().getName().replaceFirst("-[a-z0-9]{10}$", ""))
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(generated).containsExactly("zhiyue-database", "zhiyue-redis");
        assertThat(rendered("dev").manifests().secrets()).allSatisfy(secret ->
                assertThat(ContainerEnvironment.secretValue(rendered("dev"), secret.getMetadata().getName(), "url"))
                        .hasValueSatisfying(url -> assertThat(url).containsAnyOf("dev-only", "redis://redis:")));
    }

    @Test
    void prodUsesExternalServicesMoreReplicasAndBudgetsForEveryService() {
        Suite prod = rendered("prod");

        assertThat(prod.manifests().all(StatefulSet.class)).as("PostgreSQL and Redis are external").isEmpty();
        assertThat(prod.manifests().all(Secret.class)).as("Secrets are the operator's").isEmpty();
        for (Workload workload : WorkloadRules.deployments(prod)) {
            assertThat(prod.manifests().all(PodDisruptionBudget.class))
                    .as("a PodDisruptionBudget for " + workload)
                    .anyMatch(budget -> LabelSelectors.selects(budget.getSpec().getSelector(), workload.labels()));
            Deployment deployment = prod.manifests().named(Deployment.class, workload.name()).orElseThrow();
            Optional<HorizontalPodAutoscaler> autoscaler = prod.manifests().named(HorizontalPodAutoscaler.class, workload.name());
            int replicas = autoscaler.map(hpa -> hpa.getSpec().getMinReplicas())
                    .orElse(deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas());
            assertThat(replicas).as("replicas of " + workload).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void prodRunsNativeImagesExceptWhereTheNativeDockerfileSaysProductionDoesNot() {
        Suite prod = rendered("prod");

        for (Deployment deployment : prod.manifests().deployments()) {
            String module = deployment.getMetadata().getName();
            Path nativeDockerfile = Repository.path(module + "/src/main/docker/Dockerfile.native");
            boolean jvmOnly = !Files.isRegularFile(nativeDockerfile)
                    || Repository.read(nativeDockerfile).contains("NOT the image production runs");
            if (jvmOnly) {
                assertThat(image(deployment)).as(module + " ships JVM only").doesNotEndWith("-native");
            } else {
                assertThat(image(deployment)).as(module).endsWith("-native");
            }
        }
    }

    private static String image(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage();
    }

    /** An overlay as kubectl renders it (the test is skipped where kubectl is not on the PATH). */
    static Suite rendered(String overlay) {
        Optional<Path> kubectl = Kubectl.onPath();
        assumeTrue(kubectl.isPresent(), "kubectl is not on the PATH: the overlays are not rendered");
        return RENDERED.computeIfAbsent(overlay, name -> {
            try {
                String yaml = Kubectl.kustomize(kubectl.get(), Repository.path("k8s/overlays/" + name));
                return Suite.of(ManifestSet.rendered(yaml, "kubectl kustomize k8s/overlays/" + name));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
