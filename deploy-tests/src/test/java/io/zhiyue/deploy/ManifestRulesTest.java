package io.zhiyue.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each invariant fails on a manifest that breaks it: small inline YAML, or the base with one change. */
class ManifestRulesTest {

    private static final Path BASE = Repository.path("k8s/base");

    private static final String SMALL_DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: saga-service
            spec:
              selector:
                matchLabels:
                  app.kubernetes.io/name: saga-service
              template:
                metadata:
                  labels:
                    app.kubernetes.io/name: saga-service
                spec:
                  containers:
                    - name: saga-service
                      image: zhiyue/saga-service:0.1.0
                      ports:
                        - name: http
                          containerPort: 8083
                      resources:
                        requests:
                          cpu: 100m
                          memory: 256Mi
                        limits:
                          cpu: "1"
            """;

    private final Suite base = Suite.of(ManifestSet.ofKustomization(BASE));

    @Test
    void aContainerWithoutAMemoryLimitFails() {
        Suite suite = base.with(ManifestSet.of(SMALL_DEPLOYMENT));

        assertThat(WorkloadRules.resourcesBounded(suite))
                .containsExactly("Deployment saga-service container saga-service: no memory limit");
    }

    @Test
    void aDeploymentWithoutProbesOrLockdownFails() {
        Suite suite = base.with(ManifestSet.of(SMALL_DEPLOYMENT));

        assertThat(WorkloadRules.probesOnHealthEndpoints(suite)).contains(
                "Deployment saga-service container saga-service: no startupProbe",
                "Deployment saga-service container saga-service: no readinessProbe");
        assertThat(WorkloadRules.lockedDown(suite)).contains(
                "Deployment saga-service container saga-service: runAsNonRoot is not true",
                "Deployment saga-service container saga-service: root filesystem is not read-only");
    }

    @Test
    void aServiceSelectingNoPodsOrAMissingPortFails() {
        Suite suite = base.with(ManifestSet.of(SMALL_DEPLOYMENT + """
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: saga-service
                spec:
                  selector:
                    app.kubernetes.io/name: saga
                  ports:
                    - port: 8083
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: saga-service-metrics
                spec:
                  selector:
                    app.kubernetes.io/name: saga-service
                  ports:
                    - port: 9000
                      targetPort: metrics
                """));

        assertThat(WiringRules.servicesSelectPods(suite)).containsExactly(
                "Service saga-service: selector {app.kubernetes.io/name=saga} matches the pods of no Deployment or StatefulSet",
                "Service saga-service-metrics: targetPort metrics is no container port of Deployment saga-service");
    }

    @Test
    void aNetworkPolicyLettingAnotherNamespaceReachAnInternalServiceFails() {
        Suite suite = base.with(ManifestSet.of(SMALL_DEPLOYMENT + """
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: saga-service-from-everywhere
                spec:
                  podSelector:
                    matchLabels:
                      app.kubernetes.io/name: saga-service
                  ingress:
                    - from:
                        - namespaceSelector: {}
                """));

        assertThat(NetworkPolicyRules.onlyGatewayFromOutside(suite)).containsExactly(
                "Deployment saga-service: admits namespaces (all) (NetworkPolicy saga-service-from-everywhere)");
        assertThat(NetworkPolicyRules.defaultDenyIngress(suite)).isNotEmpty();
    }

    @Test
    void aServiceAdmittingAPodThatDoesNotCallItFails() {
        Suite suite = baseWith("network-policies.yaml",
                "values: [api-gateway, grading-service]\n      ports:\n        - protocol: TCP\n          port: http\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: saga-service-from-callers",
                "values: [api-gateway, grading-service, tracing-service]\n      ports:\n        - protocol: TCP\n          port: http\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: saga-service-from-callers");

        assertThat(NetworkPolicyRules.servicesAdmitTheirCallers(suite))
                .containsExactly("Deployment cache-service: admits [tracing-service], which do not call it");
    }

    @Test
    void aServiceShuttingOutOneOfItsCallersFails() {
        Suite suite = baseWith("network-policies.yaml",
                "values: [api-gateway, grading-service, cache-service, checkpoint-service, saga-service]",
                "values: [api-gateway, grading-service, cache-service, saga-service]");

        assertThat(NetworkPolicyRules.servicesAdmitTheirCallers(suite))
                .containsExactly("Deployment tracing-service: its callers [checkpoint-service] are not admitted by any NetworkPolicy");
    }

    @Test
    void aGracePeriodNoLongerThanTheShutdownTimeoutFails() {
        Suite suite = baseWith("grading-service.yaml", "terminationGracePeriodSeconds: 35", "terminationGracePeriodSeconds: 15");

        assertThat(WorkloadRules.terminateGracefully(suite)).containsExactly(
                "Deployment grading-service: terminationGracePeriodSeconds 15 is not longer than quarkus.shutdown.timeout (15 s)");
    }

    @Test
    void anImageNotNamedAfterItsModuleFails() {
        Suite suite = baseWith("saga-service.yaml", "image: zhiyue/saga-service:0.1.0", "image: zhiyue/sagas:0.1.0");

        assertThat(WorkloadRules.imagesAreModules(suite)).containsExactly(
                "Deployment saga-service container saga-service: image zhiyue/sagas:0.1.0 is not the module's (saga-service)");
    }

    @Test
    void aNativeImageRunAsTheJvmUserFails() {
        Suite suite = baseWith("saga-service.yaml", "image: zhiyue/saga-service:0.1.0", "image: zhiyue/saga-service:0.1.0-native");

        assertThat(WorkloadRules.imagesAreModules(suite)).containsExactly("Deployment saga-service container saga-service: "
                + "image zhiyue/saga-service:0.1.0-native runs as 1001, the pod says runAsUser 185");
    }

    @Test
    void aMisspeltVariableLeavesANeedUnmetAndIsReadByNobody() {
        Suite suite = baseWith("grading-service.yaml", "- name: ZHIYUE_CACHE_URL", "- name: ZHIYUE_CACHE_ULR");

        assertThat(WiringRules.needsProvided(suite))
                .containsExactly("Deployment grading-service: grading-service needs ZHIYUE_CACHE_URL, which nothing provides");
        assertThat(WiringRules.noDeadSettings(suite)).containsExactly("Deployment grading-service: sets ZHIYUE_CACHE_ULR "
                + "(ConfigMap zhiyue-config key ZHIYUE_CACHE_URL), which grading-service does not read");
    }

    @Test
    void aConfigMapKeyNobodyReadsFails() {
        Suite suite = baseWith("configmap.yaml", "  ZHIYUE_SAGA_TICK: PT0.1S", "  ZHIYUE_SAGA_TICK: PT0.1S\n  ZHIYUE_SAGA_TIK: PT1S");

        assertThat(WiringRules.noDeadSettings(suite)).containsExactly("ConfigMap zhiyue-config: key ZHIYUE_SAGA_TIK reaches no pod");
    }

    @Test
    void anAddressOfThePodItselfOrAWrongPortFails() {
        Suite localhost = baseWith("configmap.yaml", "ZHIYUE_OTLP_ENDPOINT: http://tracing-service:8084",
                "ZHIYUE_OTLP_ENDPOINT: http://localhost:8084");
        Suite wrongPort = baseWith("configmap.yaml", "ZHIYUE_CACHE_URL: http://cache-service:8082",
                "ZHIYUE_CACHE_URL: http://cache-service:8086");

        assertThat(WiringRules.needsProvided(localhost))
                .contains("Deployment grading-service: ZHIYUE_OTLP_ENDPOINT = http://localhost:8084 points at the pod itself");
        assertThat(WiringRules.addressesNameServicePorts(wrongPort)).containsExactly(
                "Deployment grading-service: ZHIYUE_CACHE_URL names cache-service:8086, a port Service cache-service does not have");
    }

    @Test
    void aSecretTheReadmeDoesNotDocumentFails() {
        Suite suite = baseWith("cache-service.yaml", "name: zhiyue-redis", "name: zhiyue-redis-credentials");

        assertThat(WiringRules.referencesResolve(suite)).containsExactly(
                "Deployment cache-service container cache-service env ZHIYUE_REDIS_URL: no Secret zhiyue-redis-credentials in the manifests or k8s/README.md");
    }

    @Test
    void anIngressWithoutTheWebSocketPathOrTimeoutsFails() {
        Suite suite = baseWith("ingress.yaml", "nginx.ingress.kubernetes.io/proxy-read-timeout: \"3600\"",
                "nginx.ingress.kubernetes.io/proxy-read-timeout: \"60\"");
        Suite noSocket = baseWith("ingress.yaml", "path: /ws", "path: /socket");

        assertThat(WiringRules.ingressKeepsGatewayStreamsOpen(suite)).containsExactly("Ingress api-gateway: "
                + "nginx.ingress.kubernetes.io/proxy-read-timeout is 60, closing live sockets and SSE streams early");
        assertThat(WiringRules.ingressKeepsGatewayStreamsOpen(noSocket)).containsExactly("Ingress api-gateway: does not route /ws");
    }

    @Test
    void anAutoscalerOfAMissingDeploymentFails() {
        Suite suite = baseWith("hpa.yaml", "    kind: Deployment\n    name: api-gateway", "    kind: Deployment\n    name: gateway");

        assertThat(WiringRules.autoscalersAndBudgetsTargetPods(suite))
                .containsExactly("HorizontalPodAutoscaler api-gateway: scales apps/v1 Deployment gateway, which is no Deployment here");
    }

    @Test
    void documentedSecretsAreReadFromKubectlCommands() {
        Map<String, java.util.Set<String>> secrets = DocumentedSecrets.in("""
                ```bash
                kubectl -n zhiyue create secret generic zhiyue-database \\
                  --from-literal=url='postgresql://u:p@h:5432/db' --from-literal=user=u
                kubectl create secret generic zhiyue-jwt --from-file=./keys/jwt-public.pem
                kubectl -n zhiyue create secret tls zhiyue-tls --cert=tls.crt --key=tls.key
                ```
                """);

        assertThat(secrets).containsOnlyKeys("zhiyue-database", "zhiyue-jwt", "zhiyue-tls");
        assertThat(secrets.get("zhiyue-database")).containsExactly("url", "user");
        assertThat(secrets.get("zhiyue-jwt")).containsExactly("jwt-public.pem");
        assertThat(secrets.get("zhiyue-tls")).containsExactly("tls.crt", "tls.key");
    }

    @Test
    void addressesAreTheHostsAndPortsASettingNames() {
        assertThat(Addresses.in("postgresql://zhiyue:secret@postgres:5432/zhiyue"))
                .containsExactly(new Addresses.Address("postgres", 5432));
        assertThat(Addresses.in("grading-service:8081,grading-service-2.zhiyue.svc:8081"))
                .containsExactly(new Addresses.Address("grading-service", 8081), new Addresses.Address("grading-service-2", 8081));
        assertThat(Addresses.in("zhiyue:cache:invalidations")).isEmpty();
    }

    /** The base with one text replaced in one of its files (the replacement must happen). */
    private Suite baseWith(String file, String from, String to) {
        List<Manifest> manifests = new ArrayList<>();
        for (Path resource : Kustomization.read(BASE).resourceFiles()) {
            String text = Repository.read(resource);
            if (resource.getFileName().toString().equals(file)) {
                assertThat(text).as(file).contains(from);
                text = text.replace(from, to);
            }
            manifests.addAll(StrictManifestLoader.resources(text, resource.getFileName().toString()));
        }
        return base.with(new ManifestSet(manifests));
    }
}
