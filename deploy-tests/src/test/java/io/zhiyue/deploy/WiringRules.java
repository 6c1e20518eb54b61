package io.zhiyue.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.zhiyue.deploy.ContainerEnvironment.Source;
import io.zhiyue.deploy.ContainerEnvironment.Variable;
import io.zhiyue.deploy.ManifestSet.Workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Invariants between objects: Services and pods, configuration and the services that read it, Secrets, autoscaling, Ingress. */
final class WiringRules {

    private WiringRules() {
    }

    /** Every service module has a Deployment and a Service named after it, on the module's port. */
    static List<String> everyModuleDeployed(Suite suite) {
        List<String> violations = new ArrayList<>();
        for (ServiceModule module : suite.modules().values()) {
            Optional<Deployment> deployment = suite.manifests().named(Deployment.class, module.name());
            Optional<Service> service = suite.manifests().named(Service.class, module.name());
            if (deployment.isEmpty()) {
                violations.add("module " + module.name() + ": no Deployment " + module.name());
            } else if (deployment.get().getSpec().getTemplate().getSpec().getContainers().stream()
                    .noneMatch(container -> Ports.resolve(new IntOrString(module.port()), container).isPresent())) {
                violations.add("module " + module.name() + ": its Deployment opens no container port " + module.port()
                        + " (quarkus.http.port)");
            }
            if (service.isEmpty()) {
                violations.add("module " + module.name() + ": no Service " + module.name());
            } else if (service.get().getSpec().getPorts().stream().noneMatch(port -> port.getPort() == module.port())) {
                violations.add("module " + module.name() + ": Service " + module.name() + " has no port " + module.port()
                        + " (the addresses in zhiyue-config and compose use the module's port)");
            }
        }
        return violations;
    }

    /**
     * Every Service selects the pods of some Deployment or StatefulSet (a CronJob's pods come and go, nothing to
     * serve from), and its target ports are their container ports.
     */
    static List<String> servicesSelectPods(Suite suite) {
        List<String> violations = new ArrayList<>();
        for (Service service : suite.manifests().services()) {
            String where = "Service " + service.getMetadata().getName();
            Map<String, String> selector = service.getSpec().getSelector();
            List<Workload> selected = suite.manifests().workloads().stream().filter(Workload::serves)
                    .filter(workload -> LabelSelectors.selects(selector, workload.labels())).toList();
            if (selected.isEmpty()) {
                violations.add(where + ": selector " + selector + " matches the pods of no Deployment or StatefulSet");
                continue;
            }
            for (ServicePort port : service.getSpec().getPorts()) {
                IntOrString target = port.getTargetPort() == null ? new IntOrString(port.getPort()) : port.getTargetPort();
                for (Workload workload : selected) {
                    if (Ports.resolve(target, workload.pod()).isEmpty()) {
                        violations.add(where + ": targetPort " + Ports.describe(target) + " is no container port of " + workload);
                    }
                }
            }
        }
        return violations;
    }

    /**
     * Every variable a service needs is provided to its Deployment's container, and not with an address of the pod
     * itself; a value that is an absolute file path lies in a mounted volume.
     */
    static List<String> needsProvided(Suite suite) {
        List<String> violations = new ArrayList<>();
        for (Workload workload : WorkloadRules.deployments(suite)) {
            ServiceModule module = suite.modules().get(workload.name());
            Optional<Container> container = moduleContainer(workload);
            if (module == null || container.isEmpty()) {
                continue;
            }
            Map<String, Variable> environment = ContainerEnvironment.of(container.get(), suite);
            for (String needed : module.needs()) {
                Variable variable = environment.get(needed);
                if (variable == null) {
                    violations.add(workload + ": " + module.name() + " needs " + needed + ", which nothing provides");
                    continue;
                }
                String value = variable.value();
                if (value == null) {
                    continue;
                }
                if (module.connectsTo(needed) && ServiceModules.pointsAtThisMachine(value)) {
                    violations.add(workload + ": " + needed + " = " + value + " points at the pod itself");
                } else if (value.isBlank()) {
                    violations.add(workload + ": " + needed + " is empty");
                } else if (value.startsWith("/") && !underMount(value, container.get())) {
                    violations.add(workload + ": " + needed + " names the file " + value + ", in no mounted volume");
                }
            }
        }
        return violations;
    }

    private static boolean underMount(String path, Container container) {
        List<VolumeMount> mounts = container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
        return mounts.stream().anyMatch(mount -> path.startsWith(mount.getMountPath().endsWith("/")
                ? mount.getMountPath() : mount.getMountPath() + "/"));
    }

    /**
     * Every ConfigMap and Secret a pod refers to (env, envFrom, volumes) and every Ingress TLS Secret exists with the
     * keys named: in the set, or (Secrets) as k8s/README.md tells the operator to create it. Optional ones may be missing.
     */
    static List<String> referencesResolve(Suite suite) {
        List<String> violations = new ArrayList<>();
        for (Workload workload : suite.manifests().workloads()) {
            for (Container container : workload.pod().getContainers()) {
                String where = workload + " container " + container.getName();
                for (EnvVar env : list(container.getEnv())) {
                    if (env.getValueFrom() == null) {
                        continue;
                    }
                    var configMapKey = env.getValueFrom().getConfigMapKeyRef();
                    if (configMapKey != null) {
                        checkConfigMapKey(where + " env " + env.getName(), configMapKey.getName(), configMapKey.getKey(),
                                Boolean.TRUE.equals(configMapKey.getOptional()), suite, violations);
                    }
                    var secretKey = env.getValueFrom().getSecretKeyRef();
                    if (secretKey != null) {
                        checkSecretKey(where + " env " + env.getName(), secretKey.getName(), secretKey.getKey(),
                                Boolean.TRUE.equals(secretKey.getOptional()), suite, violations);
                    }
                }
                for (EnvFromSource from : list(container.getEnvFrom())) {
                    if (from.getConfigMapRef() != null && !Boolean.TRUE.equals(from.getConfigMapRef().getOptional())
                            && suite.manifests().named(ConfigMap.class, from.getConfigMapRef().getName()).isEmpty()) {
                        violations.add(where + " envFrom: no ConfigMap " + from.getConfigMapRef().getName());
                    }
                    if (from.getSecretRef() != null && !Boolean.TRUE.equals(from.getSecretRef().getOptional())
                            && !secretKnown(from.getSecretRef().getName(), suite)) {
                        violations.add(where + " envFrom: no Secret " + from.getSecretRef().getName()
                                + " in the manifests or k8s/README.md");
                    }
                }
            }
            for (Volume volume : list(workload.pod().getVolumes())) {
                String where = workload + " volume " + volume.getName();
                if (volume.getSecret() != null) {
                    boolean optional = Boolean.TRUE.equals(volume.getSecret().getOptional());
                    for (KeyToPath item : list(volume.getSecret().getItems())) {
                        checkSecretKey(where, volume.getSecret().getSecretName(), item.getKey(), optional, suite, violations);
                    }
                    if (!optional && !secretKnown(volume.getSecret().getSecretName(), suite)) {
                        violations.add(where + ": no Secret " + volume.getSecret().getSecretName()
                                + " in the manifests or k8s/README.md");
                    }
                }
                if (volume.getConfigMap() != null && !Boolean.TRUE.equals(volume.getConfigMap().getOptional())) {
                    for (KeyToPath item : list(volume.getConfigMap().getItems())) {
                        checkConfigMapKey(where, volume.getConfigMap().getName(), item.getKey(), false, suite, violations);
                    }
                    if (suite.manifests().named(ConfigMap.class, volume.getConfigMap().getName()).isEmpty()) {
                        violations.add(where + ": no ConfigMap " + volume.getConfigMap().getName());
                    }
                }
            }
        }
        for (Ingress ingress : suite.manifests().all(Ingress.class)) {
            for (IngressTLS tls : list(ingress.getSpec().getTls())) {
                if (!secretKnown(tls.getSecretName(), suite)) {
                    violations.add("Ingress " + ingress.getMetadata().getName() + ": TLS Secret " + tls.getSecretName()
                            + " is neither in the manifests nor in k8s/README.md");
                }
            }
        }
        return violations;
    }

    private static void checkConfigMapKey(String where, String name, String key, boolean optional, Suite suite,
                                          List<String> violations) {
        Optional<ConfigMap> configMap = suite.manifests().named(ConfigMap.class, name);
        if (configMap.isEmpty()) {
            if (!optional) {
                violations.add(where + ": no ConfigMap " + name);
            }
        } else if (!optional && (configMap.get().getData() == null || !configMap.get().getData().containsKey(key))) {
            violations.add(where + ": ConfigMap " + name + " has no key " + key);
        }
    }

    private static void checkSecretKey(String where, String name, String key, boolean optional, Suite suite,
                                       List<String> violations) {
        if (!secretKnown(name, suite)) {
            if (!optional) {
                violations.add(where + ": no Secret " + name + " in the manifests or k8s/README.md");
            }
            return;
        }
        Set<String> keys = ContainerEnvironment.secretKeys(suite, name);
        if (!keys.contains(key)) {
            violations.add(where + ": Secret " + name + " has no key " + key + " (it has " + keys + ")");
        }
    }

    private static boolean secretKnown(String name, Suite suite) {
        return suite.manifests().named(Secret.class, name).isPresent() || suite.documentedSecrets().containsKey(name);
    }

    /**
     * No dead settings: every ConfigMap key reaches some pod, and whatever reaches a service module's pod as a
     * variable is one the module reads; so are its ZHIYUE_* and QUARKUS_* variables set in place.
     */
    static List<String> noDeadSettings(Suite suite) {
        List<String> violations = new ArrayList<>();
        Map<String, Set<String>> consumed = new java.util.HashMap<>();
        for (Workload workload : suite.manifests().workloads()) {
            ServiceModule module = suite.modules().get(workload.name());
            for (Container container : workload.pod().getContainers()) {
                for (Variable variable : ContainerEnvironment.of(container, suite).values()) {
                    if (variable.source() == Source.CONFIG_MAP) {
                        consumed.computeIfAbsent(variable.sourceName(), name -> new TreeSet<>()).add(variable.key());
                    }
                    boolean ours = variable.name().startsWith("ZHIYUE_") || variable.name().startsWith("QUARKUS_")
                            || variable.source() == Source.CONFIG_MAP;
                    if (module != null && ours && !module.readsVariable(variable.name())) {
                        violations.add(workload + ": sets " + variable.name()
                                + (variable.source() == Source.CONFIG_MAP ? " (ConfigMap " + variable.sourceName()
                                + " key " + variable.key() + ")" : "") + ", which " + module.name() + " does not read");
                    }
                }
            }
        }
        for (ConfigMap configMap : suite.manifests().configMaps()) {
            String name = configMap.getMetadata().getName();
            for (String key : configMap.getData() == null ? Set.<String>of() : configMap.getData().keySet()) {
                if (!consumed.getOrDefault(name, Set.of()).contains(key)) {
                    violations.add("ConfigMap " + name + ": key " + key + " reaches no pod");
                }
            }
        }
        return violations;
    }

    /** Every host:port a pod's environment names, where the host is a Service here, uses one of that Service's ports. */
    static List<String> addressesNameServicePorts(Suite suite) {
        List<String> violations = new ArrayList<>();
        for (Workload workload : suite.manifests().workloads()) {
            for (Container container : workload.pod().getContainers()) {
                for (Addresses.Named named : Addresses.in(ContainerEnvironment.of(container, suite))) {
                    Addresses.Address address = named.address();
                    Optional<Service> service = suite.manifests().named(Service.class, address.host());
                    if (service.isPresent() && service.get().getSpec().getPorts().stream()
                            .noneMatch(port -> port.getPort() == address.port())) {
                        violations.add(workload + ": " + named.variable() + " names " + address.host() + ":"
                                + address.port() + ", a port Service " + address.host() + " does not have");
                    } else if (service.isEmpty() && suite.modules().containsKey(address.host())) {
                        violations.add(workload + ": " + named.variable() + " names " + address.host()
                                + ", which has no Service here");
                    }
                }
            }
        }
        return violations;
    }

    /**
     * HorizontalPodAutoscalers scale existing Deployments (that leave replicas to them), within sane bounds;
     * PodDisruptionBudgets select existing pods.
     */
    static List<String> autoscalersAndBudgetsTargetPods(Suite suite) {
        List<String> violations = new ArrayList<>();
        for (HorizontalPodAutoscaler autoscaler : suite.manifests().all(HorizontalPodAutoscaler.class)) {
            String where = "HorizontalPodAutoscaler " + autoscaler.getMetadata().getName();
            CrossVersionObjectReference target = autoscaler.getSpec().getScaleTargetRef();
            Optional<Deployment> deployment = suite.manifests().named(Deployment.class, target.getName());
            if (!"Deployment".equals(target.getKind()) || !"apps/v1".equals(target.getApiVersion()) || deployment.isEmpty()) {
                violations.add(where + ": scales " + target.getApiVersion() + " " + target.getKind() + " "
                        + target.getName() + ", which is no Deployment here");
            } else if (deployment.get().getSpec().getReplicas() != null) {
                violations.add(where + ": Deployment " + target.getName() + " sets replicas too (each apply would "
                        + "reset what the autoscaler chose)");
            }
            Integer min = autoscaler.getSpec().getMinReplicas();
            if (min == null || min < 1 || min > autoscaler.getSpec().getMaxReplicas()) {
                violations.add(where + ": minReplicas " + min + " / maxReplicas " + autoscaler.getSpec().getMaxReplicas());
            }
        }
        for (PodDisruptionBudget budget : suite.manifests().all(PodDisruptionBudget.class)) {
            String where = "PodDisruptionBudget " + budget.getMetadata().getName();
            if (suite.manifests().workloads().stream().filter(Workload::serves)
                    .noneMatch(workload -> LabelSelectors.selects(budget.getSpec().getSelector(), workload.labels()))) {
                violations.add(where + ": selects the pods of no Deployment or StatefulSet");
            }
            if (budget.getSpec().getMaxUnavailable() == null && budget.getSpec().getMinAvailable() == null) {
                violations.add(where + ": neither maxUnavailable nor minAvailable");
            }
        }
        return violations;
    }

    /**
     * Ingresses lead to api-gateway only, on a port its Service has, covering /api and the gateway's WebSocket path
     * but not /q/ (health, metrics); long-lived connections stay open (ingress-nginx timeouts of an hour, no buffering).
     */
    static List<String> ingressKeepsGatewayStreamsOpen(Suite suite) {
        List<String> violations = new ArrayList<>();
        for (Ingress ingress : suite.manifests().all(Ingress.class)) {
            String where = "Ingress " + ingress.getMetadata().getName();
            List<HTTPIngressPath> paths = new ArrayList<>();
            for (IngressRule rule : list(ingress.getSpec().getRules())) {
                if (rule.getHttp() != null) {
                    paths.addAll(list(rule.getHttp().getPaths()));
                }
            }
            if (ingress.getSpec().getDefaultBackend() != null) {
                violations.add(where + ": a default backend publishes every path");
            }
            for (HTTPIngressPath path : paths) {
                IngressServiceBackend backend = path.getBackend().getService();
                Optional<Service> service = backend == null ? Optional.empty()
                        : suite.manifests().named(Service.class, backend.getName());
                if (backend == null || !Suite.GATEWAY.equals(backend.getName()) || service.isEmpty()) {
                    violations.add(where + ": path " + path.getPath() + " leads to "
                            + (backend == null ? "no Service" : backend.getName()) + ", not the gateway's Service");
                } else if (service.get().getSpec().getPorts().stream().noneMatch(port ->
                        backend.getPort() != null && (backend.getPort().getName() != null
                                ? backend.getPort().getName().equals(port.getName())
                                : backend.getPort().getNumber() != null && backend.getPort().getNumber().equals(port.getPort())))) {
                    violations.add(where + ": path " + path.getPath() + " names a port Service " + backend.getName() + " lacks");
                }
            }
            for (String needed : List.of("/api/v1/exams", suite.webSocketPath())) {
                if (paths.stream().noneMatch(path -> routes(path, needed))) {
                    violations.add(where + ": does not route " + needed);
                }
            }
            if (paths.stream().anyMatch(path -> routes(path, "/q/metrics"))) {
                violations.add(where + ": publishes /q/ (health and metrics are for the cluster only)");
            }
            Map<String, String> annotations = ingress.getMetadata().getAnnotations() == null ? Map.of()
                    : ingress.getMetadata().getAnnotations();
            for (String timeout : List.of("nginx.ingress.kubernetes.io/proxy-read-timeout",
                    "nginx.ingress.kubernetes.io/proxy-send-timeout")) {
                String value = annotations.get(timeout);
                if (value == null || !value.matches("\\d+") || Integer.parseInt(value) < 3600) {
                    violations.add(where + ": " + timeout + " is " + value + ", closing live sockets and SSE streams early");
                }
            }
            if (!"off".equals(annotations.get("nginx.ingress.kubernetes.io/proxy-buffering"))) {
                violations.add(where + ": proxy buffering is not off (SSE events would be held back)");
            }
        }
        return violations;
    }

    private static boolean routes(HTTPIngressPath path, String request) {
        String prefix = path.getPath() == null ? "/" : path.getPath();
        return switch (path.getPathType()) {
            case "Exact" -> request.equals(prefix);
            default -> prefix.equals("/") || request.equals(prefix) || request.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
        };
    }

    static Optional<Container> moduleContainer(Workload workload) {
        return workload.pod().getContainers().stream().filter(container -> container.getName().equals(workload.name()))
                .findFirst()
                .or(() -> workload.pod().getContainers().stream().findFirst());
    }


    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
