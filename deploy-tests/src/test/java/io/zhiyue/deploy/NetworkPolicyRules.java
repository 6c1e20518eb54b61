package io.zhiyue.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.zhiyue.deploy.ManifestSet.Workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the NetworkPolicies admit, against who really calls whom. A caller is a pod whose environment names a
 * Service's address (zhiyue-config's URLs and instance lists, the connection Secrets when they are in the set).
 */
final class NetworkPolicyRules {

    private NetworkPolicyRules() {
    }

    /** Where traffic admitted to a pod comes from. */
    private record Admission(Set<String> inNamespace, List<String> outside) {
    }

    /** A policy with an empty pod selector and no ingress rule denies every pod's ingress by default. */
    static List<String> defaultDenyIngress(Suite suite) {
        boolean present = suite.manifests().all(NetworkPolicy.class).stream().anyMatch(policy ->
                LabelSelectors.isEmpty(policy.getSpec().getPodSelector())
                        && policyTypes(policy).contains("Ingress")
                        && (policy.getSpec().getIngress() == null || policy.getSpec().getIngress().isEmpty()));
        return present ? List.of() : List.of("no default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress], no rules)");
    }

    /**
     * Only api-gateway admits traffic from outside the namespace; every other pod admits at most Prometheus from the
     * monitoring namespace, on the port its prometheus.io/port annotation names.
     */
    static List<String> onlyGatewayFromOutside(Suite suite) {
        List<String> violations = new ArrayList<>();
        for (Workload workload : suite.manifests().workloads()) {
            if (Suite.GATEWAY.equals(workload.name())) {
                continue;
            }
            for (String outside : admission(workload, suite).outside()) {
                violations.add(workload + ": admits " + outside);
            }
        }
        return violations;
    }

    /** Each pod behind a Service admits, from inside the namespace, exactly the pods that call it. */
    static List<String> servicesAdmitTheirCallers(Suite suite) {
        List<String> violations = new ArrayList<>();
        Map<String, Set<String>> callers = callers(suite);
        for (Workload workload : suite.manifests().workloads()) {
            boolean behindService = suite.manifests().services().stream()
                    .anyMatch(service -> LabelSelectors.selects(service.getSpec().getSelector(), workload.labels()));
            if (!behindService) {
                continue;
            }
            Set<String> expected = callers.getOrDefault(workload.name(), Set.of());
            Set<String> admitted = admission(workload, suite).inNamespace();
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(admitted);
            Set<String> extra = new TreeSet<>(admitted);
            extra.removeAll(expected);
            if (!missing.isEmpty()) {
                violations.add(workload + ": its callers " + missing + " are not admitted by any NetworkPolicy");
            }
            if (!extra.isEmpty()) {
                violations.add(workload + ": admits " + extra + ", which do not call it");
            }
        }
        return violations;
    }

    /**
     * For each workload, the workloads whose environment names the address of a Service selecting it (a URL or
     * host:port in any variable, or libpq's PGHOST: a backup job's pg_dump).
     */
    static Map<String, Set<String>> callers(Suite suite) {
        Map<String, Set<String>> callers = new TreeMap<>();
        for (Workload caller : suite.manifests().workloads()) {
            for (Container container : caller.pod().getContainers()) {
                for (Addresses.Named named : Addresses.in(ContainerEnvironment.of(container, suite))) {
                    Optional<Service> service = suite.manifests().named(Service.class, named.address().host());
                    if (service.isEmpty()) {
                        continue;
                    }
                    for (Workload target : suite.manifests().workloads()) {
                        if (!target.name().equals(caller.name())
                                && LabelSelectors.selects(service.get().getSpec().getSelector(), target.labels())) {
                            callers.computeIfAbsent(target.name(), name -> new TreeSet<>()).add(caller.name());
                        }
                    }
                }
            }
        }
        return callers;
    }

    private static Admission admission(Workload target, Suite suite) {
        Set<String> inNamespace = new TreeSet<>();
        List<String> outside = new ArrayList<>();
        for (NetworkPolicy policy : suite.manifests().all(NetworkPolicy.class)) {
            if (!policyTypes(policy).contains("Ingress")
                    || !LabelSelectors.selects(policy.getSpec().getPodSelector(), target.labels())) {
                continue;
            }
            String where = "NetworkPolicy " + policy.getMetadata().getName();
            for (NetworkPolicyIngressRule rule : list(policy.getSpec().getIngress())) {
                if (rule.getFrom() == null || rule.getFrom().isEmpty()) {
                    outside.add("traffic from anywhere (" + where + " has a rule without from)");
                    suite.manifests().workloads().forEach(workload -> inNamespace.add(workload.name()));
                    continue;
                }
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    if (peer.getIpBlock() != null) {
                        outside.add("the addresses " + peer.getIpBlock().getCidr() + " (" + where + ")");
                    } else if (peer.getNamespaceSelector() != null) {
                        if (!isMonitoring(peer.getNamespaceSelector())) {
                            outside.add("namespaces " + describe(peer.getNamespaceSelector()) + " (" + where + ")");
                        } else if (!onlyScrapePort(rule, target)) {
                            outside.add("the monitoring namespace on ports other than its metrics port (" + where + ")");
                        }
                    } else {
                        suite.manifests().workloads().stream()
                                .filter(workload -> LabelSelectors.selects(peer.getPodSelector(), workload.labels()))
                                .forEach(workload -> inNamespace.add(workload.name()));
                    }
                }
            }
        }
        return new Admission(inNamespace, outside);
    }

    private static boolean isMonitoring(LabelSelector selector) {
        return selector.getMatchLabels() != null
                && Suite.MONITORING_NAMESPACE.equals(selector.getMatchLabels().get("kubernetes.io/metadata.name"))
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
    }

    private static boolean onlyScrapePort(NetworkPolicyIngressRule rule, Workload target) {
        String scrapePort = target.annotations().get("prometheus.io/port");
        List<NetworkPolicyPort> ports = list(rule.getPorts());
        if (scrapePort == null || ports.isEmpty()) {
            return false;
        }
        return ports.stream().allMatch(port -> {
            OptionalInt resolved = Ports.resolve(port.getPort() == null ? null : port.getPort(), target.pod());
            return resolved.isPresent() && String.valueOf(resolved.getAsInt()).equals(scrapePort)
                    && port.getEndPort() == null;
        });
    }

    private static List<String> policyTypes(NetworkPolicy policy) {
        if (policy.getSpec().getPolicyTypes() != null && !policy.getSpec().getPolicyTypes().isEmpty()) {
            return policy.getSpec().getPolicyTypes();
        }
        // Kubernetes' default: Ingress always, Egress when egress rules are given
        return List.of("Ingress");
    }

    private static String describe(LabelSelector selector) {
        return LabelSelectors.isEmpty(selector) ? "(all)" : String.valueOf(selector.getMatchLabels())
                + (selector.getMatchExpressions() == null ? "" : " " + selector.getMatchExpressions());
    }


    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
