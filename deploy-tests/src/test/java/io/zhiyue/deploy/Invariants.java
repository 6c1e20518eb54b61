package io.zhiyue.deploy;

import org.junit.jupiter.api.DynamicTest;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every invariant a deployment's manifests must keep, run as one test each. */
final class Invariants {

    record Invariant(String name, Function<Suite, List<String>> check) {
    }

    static final List<Invariant> ALL = List.of(
            new Invariant("every service module has a Deployment and a Service", WiringRules::everyModuleDeployed),
            new Invariant("Deployments probe /q/health/started, live and ready", WorkloadRules::probesOnHealthEndpoints),
            new Invariant("containers have cpu and memory requests and limits", WorkloadRules::resourcesBounded),
            new Invariant("pods run non-root on a read-only root filesystem", WorkloadRules::lockedDown),
            new Invariant("grace period exceeds quarkus.shutdown.timeout", WorkloadRules::terminateGracefully),
            new Invariant("images and Deployments are named after service modules", WorkloadRules::imagesAreModules),
            new Invariant("pods are annotated for Prometheus", WorkloadRules::scrapedByPrometheus),
            new Invariant("Services select existing pods and container ports", WiringRules::servicesSelectPods),
            new Invariant("every variable a service needs is provided", WiringRules::needsProvided),
            new Invariant("ConfigMap and Secret references resolve", WiringRules::referencesResolve),
            new Invariant("no ConfigMap key or variable is dead", WiringRules::noDeadSettings),
            new Invariant("addresses name Services and their ports", WiringRules::addressesNameServicePorts),
            new Invariant("HPAs and PDBs target existing pods", WiringRules::autoscalersAndBudgetsTargetPods),
            new Invariant("the Ingress keeps the gateway's sockets and streams open", WiringRules::ingressKeepsGatewayStreamsOpen),
            new Invariant("ingress is denied by default", NetworkPolicyRules::defaultDenyIngress),
            new Invariant("only api-gateway admits traffic from outside", NetworkPolicyRules::onlyGatewayFromOutside),
            new Invariant("services admit exactly their callers", NetworkPolicyRules::servicesAdmitTheirCallers));

    private Invariants() {
    }

    static Stream<DynamicTest> checkedOn(Suite suite) {
        return ALL.stream().map(invariant -> DynamicTest.dynamicTest(invariant.name(),
                () -> assertThat(invariant.check().apply(suite)).as(invariant.name()).isEmpty()));
    }
}
