package io.zhiyue.deploy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrictManifestLoaderTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: saga-service
            spec:
              replicas: 2
              selector:
                matchLabels:
                  app.kubernetes.io/name: saga-service
              template:
                metadata:
                  labels:
                    app.kubernetes.io/name: saga-service
                  annotations:
                    prometheus.io/scrape: "true"
                spec:
                  containers:
                    - name: saga-service
                      image: zhiyue/saga-service:0.1.0
                      env:
                        - name: ZHIYUE_SAGA_TICK
                          value: PT0.1S
                      resources:
                        limits:
                          cpu: "1"
                          memory: 512Mi
            """;

    @Test
    void loadsAWellFormedDeploymentIntoTheModel() {
        List<Manifest> manifests = StrictManifestLoader.resources(DEPLOYMENT, "inline");

        assertThat(manifests).singleElement().satisfies(manifest -> {
            assertThat(manifest.object()).isInstanceOf(Deployment.class);
            Deployment deployment = (Deployment) manifest.object();
            assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
            assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().getFirst().getValue())
                    .isEqualTo("PT0.1S");
        });
    }

    @Test
    void refusesAMisspeltTopLevelSpecField() {
        String misspelt = DEPLOYMENT.replace("  replicas: 2", "  replicaz: 2");

        assertThatThrownBy(() -> StrictManifestLoader.resources(misspelt, "inline"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("unknown field")
                .hasMessageContaining("Deployment.spec.replicaz");
    }

    @Test
    void refusesAMisspeltFieldDeepInAContainer() {
        String misspelt = DEPLOYMENT.replace("resources:", "resource:");

        assertThatThrownBy(() -> StrictManifestLoader.resources(misspelt, "inline"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("spec.template.spec.containers[0].resource");
    }

    @Test
    void refusesANumberWhereKubernetesWantsAString() {
        String unquoted = DEPLOYMENT.replace("value: PT0.1S", "value: 100");

        assertThatThrownBy(() -> StrictManifestLoader.resources(unquoted, "inline"))
                .isInstanceOf(ManifestException.class);
    }

    @Test
    void refusesABooleanAnnotation() {
        String unquoted = DEPLOYMENT.replace("prometheus.io/scrape: \"true\"", "prometheus.io/scrape: true");

        assertThatThrownBy(() -> StrictManifestLoader.resources(unquoted, "inline"))
                .isInstanceOf(ManifestException.class);
    }

    @Test
    void refusesAStringWhereKubernetesWantsANumber() {
        String quoted = DEPLOYMENT.replace("replicas: 2", "replicas: \"2\"");

        assertThatThrownBy(() -> StrictManifestLoader.resources(quoted, "inline"))
                .isInstanceOf(ManifestException.class);
    }

    @Test
    void refusesADuplicateKey() {
        String duplicated = DEPLOYMENT.replace("  replicas: 2", "  replicas: 2\n  replicas: 3");

        assertThatThrownBy(() -> StrictManifestLoader.resources(duplicated, "inline"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("replicas");
    }

    @Test
    void refusesAKindOrVersionTheSuiteDoesNotDeploy() {
        String beta = DEPLOYMENT.replace("apiVersion: apps/v1", "apiVersion: apps/v1beta1");

        assertThatThrownBy(() -> StrictManifestLoader.resources(beta, "inline"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("apps/v1beta1/Deployment");
    }

    @Test
    void loadsACronJobAndRefusesAMisspeltFieldInItsPodOrAnOldVersion() {
        String cronJob = """
                apiVersion: batch/v1
                kind: CronJob
                metadata:
                  name: postgres-backup
                spec:
                  schedule: "30 2 * * *"
                  timeZone: Etc/UTC
                  concurrencyPolicy: Forbid
                  jobTemplate:
                    spec:
                      backoffLimit: 2
                      template:
                        spec:
                          restartPolicy: Never
                          containers:
                            - name: pg-dump
                              image: postgres:16
                              volumeMounts:
                                - name: backups
                                  mountPath: /backups
                          volumes:
                            - name: backups
                              persistentVolumeClaim:
                                claimName: postgres-backups
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata:
                  name: postgres-backups
                spec:
                  accessModes: ["ReadWriteOnce"]
                  resources:
                    requests:
                      storage: 5Gi
                """;

        assertThat(StrictManifestLoader.resources(cronJob, "inline")).extracting(Manifest::kind)
                .containsExactly("CronJob", "PersistentVolumeClaim");
        assertThatThrownBy(() -> StrictManifestLoader.resources(cronJob.replace("claimName:", "claim:"), "inline"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("CronJob.spec.jobTemplate.spec.template.spec.volumes[0].persistentVolumeClaim.claim");
        assertThatThrownBy(() -> StrictManifestLoader.resources(cronJob.replace("backoffLimit: 2", "backoffLimit: \"2\""), "inline"))
                .isInstanceOf(ManifestException.class);
        assertThatThrownBy(() -> StrictManifestLoader.resources(cronJob.replace("batch/v1", "batch/v1beta1"), "inline"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("batch/v1beta1/CronJob");
    }

    @Test
    void acceptsKustomizeDirectivesInPatchesOnly() {
        String deletion = """
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata:
                  name: saga-service
                $patch: delete
                """;

        assertThat(StrictManifestLoader.patches(deletion, "inline")).hasSize(1);
        assertThatThrownBy(() -> StrictManifestLoader.resources(deletion, "inline"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("$patch");
    }

    @Test
    void stillRefusesMisspeltFieldsInPatches() {
        String patch = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: saga-service
                spec:
                  replicaz: 1
                """;

        assertThatThrownBy(() -> StrictManifestLoader.patches(patch, "inline"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("replicaz");
    }

    @Test
    void readsEveryDocumentOfAFileAndSkipsEmptyOnes() {
        String twoDocuments = "# a header\n---\n" + DEPLOYMENT + "---\n" + DEPLOYMENT.replace("saga-service", "cache-service");

        assertThat(StrictManifestLoader.resources(twoDocuments, "inline"))
                .extracting(Manifest::name)
                .containsExactly("saga-service", "cache-service");
    }
}
