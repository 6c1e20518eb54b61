package io.zhiyue.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** k8s/base as written (no kubectl needed): every invariant, and what the base must contain. */
class BaseManifestsTest {

    private final Suite base = Suite.of(ManifestSet.ofKustomization(Repository.path("k8s/base")));

    @TestFactory
    Stream<DynamicTest> baseKeepsEveryInvariant() {
        return Invariants.checkedOn(base);
    }

    @Test
    void baseNamesSecretsButHoldsNone() {
        assertThat(base.manifests().secrets()).isEmpty();
        assertThat(base.documentedSecrets()).containsKeys("zhiyue-database", "zhiyue-redis", "zhiyue-llm", "zhiyue-jwt");
    }

    @Test
    void baseHasTheConfigMapAutoscalersAndBudgets() {
        assertThat(base.manifests().named(ConfigMap.class, "zhiyue-config")).isPresent();
        assertThat(base.manifests().all(HorizontalPodAutoscaler.class))
                .extracting(autoscaler -> autoscaler.getSpec().getScaleTargetRef().getName())
                .containsExactlyInAnyOrder("grading-service", "api-gateway");
        assertThat(base.manifests().all(PodDisruptionBudget.class)).hasSize(base.modules().size());
        assertThat(base.manifests().named(Secret.class, "zhiyue-database")).isEmpty();
    }
}
