package io.zhiyue.deploy;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.zhiyue.deploy.ManifestSet.Workload;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Invariants of each pod: probes, resources, security, termination, image, scrape annotations. */
final class WorkloadRules {

    static final String STARTED = "/q/health/started";
    static final String LIVE = "/q/health/live";
    static final String READY = "/q/health/ready";
    static final String METRICS = "/q/metrics";
    /** The user of ubi9/openjdk-21-runtime (Dockerfile.jvm) and of the native images' ubi-minimal (Dockerfile.native). */
    static final long JVM_USER = 185;
    static final long NATIVE_USER = 1001;

    private WorkloadRules() {
    }

    /** Every Deployment's containers: startup, liveness and readiness probes on the health endpoints of a port they open. */
    static List<String> probesOnHealthEndpoints(Suite suite) {
        List<String> violations = new ArrayList<>();
        for (Workload workload : deployments(suite)) {
            for (Container container : workload.pod().getContainers()) {
                String where = workload + " container " + container.getName();
                checkProbe(where, "startupProbe", container.getStartupProbe(), List.of(STARTED, LIVE), container, violations);
                checkProbe(where, "livenessProbe", container.getLivenessProbe(), List.of(LIVE), container, violations);
                checkProbe(where, "readinessProbe", container.getReadinessProbe(), List.of(READY), container, violations);
                Probe startup = container.getStartupProbe();
                if (startup != null && budgetSeconds(startup) < 60) {
                    violations.add(where + ": startupProbe allows " + budgetSeconds(startup)
                            + " s to start; a migrating JVM needs a generous budget (>= 60 s)");
                }
            }
        }
        return violations;
    }

    private static void checkProbe(String where, String kind, Probe probe, List<String> paths, Container container,
                                   List<String> violations) {
        if (probe == null) {
            violations.add(where + ": no " + kind);
            return;
        }
        if (probe.getHttpGet() == null || !paths.contains(probe.getHttpGet().getPath())) {
            violations.add(where + ": " + kind + " is not an HTTP GET of " + String.join(" or ", paths));
            return;
        }
        if (Ports.resolve(probe.getHttpGet().getPort(), container).isEmpty()) {
            violations.add(where + ": " + kind + " port " + Ports.describe(probe.getHttpGet().getPort())
                    + " is not a port of the container");
        }
    }

    private static int budgetSeconds(Probe probe) {
        int period = probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds();
        int failures = probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
        int delay = probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
        return delay + period * failures;
    }

    /** Every container of every workload: requests and limits for cpu and memory, requests no higher than limits. */
    static List<String> resourcesBounded(Suite suite) {
        List<String> violations = new ArrayList<>();
        for (Workload workload : suite.manifests().workloads()) {
            for (Container container : workload.pod().getContainers()) {
                String where = workload + " container " + container.getName();
                Map<String, Quantity> requests = container.getResources() == null ? null : container.getResources().getRequests();
                Map<String, Quantity> limits = container.getResources() == null ? null : container.getResources().getLimits();
                for (String resource : List.of("cpu", "memory")) {
                    Quantity request = requests == null ? null : requests.get(resource);
                    Quantity limit = limits == null ? null : limits.get(resource);
                    if (request == null) {
                        violations.add(where + ": no " + resource + " request");
                    }
                    if (limit == null) {
                        violations.add(where + ": no " + resource + " limit");
                    }
                    if (request != null && limit != null && amount(request).compareTo(amount(limit)) > 0) {
                        violations.add(where + ": " + resource + " request " + request + " above its limit " + limit);
                    }
                }
            }
        }
        return violations;
    }

    private static BigDecimal amount(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity);
    }

    /**
     * Every container of every workload runs as a non-root user, read-only root filesystem, no privilege escalation,
     * all capabilities dropped, the runtime's seccomp profile; a service module's pod has /tmp writable (emptyDir).
     */
    static List<String> lockedDown(Suite suite) {
        List<String> violations = new ArrayList<>();
        for (Workload workload : suite.manifests().workloads()) {
            PodSecurityContext pod = workload.pod().getSecurityContext();
            for (Container container : workload.pod().getContainers()) {
                String where = workload + " container " + container.getName();
                SecurityContext own = container.getSecurityContext();
                if (!Boolean.TRUE.equals(firstNonNull(own == null ? null : own.getRunAsNonRoot(),
                        pod == null ? null : pod.getRunAsNonRoot()))) {
                    violations.add(where + ": runAsNonRoot is not true");
                }
                Long user = runAsUser(workload, container);
                if (user != null && user == 0) {
                    violations.add(where + ": runs as root (runAsUser 0)");
                }
                if (own == null || !Boolean.TRUE.equals(own.getReadOnlyRootFilesystem())) {
                    violations.add(where + ": root filesystem is not read-only");
                }
                if (own == null || !Boolean.FALSE.equals(own.getAllowPrivilegeEscalation())) {
                    violations.add(where + ": allowPrivilegeEscalation is not false");
                }
                Capabilities capabilities = own == null ? null : own.getCapabilities();
                if (capabilities == null || capabilities.getDrop() == null || !capabilities.getDrop().contains("ALL")) {
                    violations.add(where + ": capabilities do not drop ALL");
                }
                String seccomp = own != null && own.getSeccompProfile() != null ? own.getSeccompProfile().getType()
                        : pod != null && pod.getSeccompProfile() != null ? pod.getSeccompProfile().getType() : null;
                if (!"RuntimeDefault".equals(seccomp) && !"Localhost".equals(seccomp)) {
                    violations.add(where + ": no seccomp profile (RuntimeDefault)");
                }
                if (suite.modules().containsKey(workload.name()) && !mountsEmptyDir(workload, container, "/tmp")) {
                    violations.add(where + ": /tmp is not a writable emptyDir (the root filesystem is read-only)");
                }
            }
        }
        return violations;
    }

    private static boolean mountsEmptyDir(Workload workload, Container container, String path) {
        List<VolumeMount> mounts = container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
        List<Volume> volumes = workload.pod().getVolumes() == null ? List.of() : workload.pod().getVolumes();
        return mounts.stream().filter(mount -> path.equals(mount.getMountPath()) && !Boolean.TRUE.equals(mount.getReadOnly()))
                .anyMatch(mount -> volumes.stream().anyMatch(volume ->
                        volume.getName().equals(mount.getName()) && volume.getEmptyDir() != null));
    }

    static Long runAsUser(Workload workload, Container container) {
        SecurityContext own = container.getSecurityContext();
        PodSecurityContext pod = workload.pod().getSecurityContext();
        return firstNonNull(own == null ? null : own.getRunAsUser(), pod == null ? null : pod.getRunAsUser());
    }

    /** A service's pods get longer to stop than the service gives itself (quarkus.shutdown.timeout). */
    static List<String> terminateGracefully(Suite suite) {
        List<String> violations = new ArrayList<>();
        for (Workload workload : deployments(suite)) {
            ServiceModule module = suite.modules().get(workload.name());
            if (module == null) {
                continue;
            }
            long grace = workload.pod().getTerminationGracePeriodSeconds() == null ? 30
                    : workload.pod().getTerminationGracePeriodSeconds();
            if (grace <= module.shutdownTimeout().toSeconds()) {
                violations.add(workload + ": terminationGracePeriodSeconds " + grace + " is not longer than "
                        + "quarkus.shutdown.timeout (" + module.shutdownTimeout().toSeconds() + " s)");
            }
        }
        return violations;
    }

    /**
     * Every Deployment is a service module's: its name, its container's name and its image's name
     * ({@code [registry/]zhiyue/<module>:<tag>}) are the module's; JVM images run as 185, "-native" ones as 1001.
     */
    static List<String> imagesAreModules(Suite suite) {
        List<String> violations = new ArrayList<>();
        for (Workload workload : deployments(suite)) {
            if (!suite.modules().containsKey(workload.name())) {
                violations.add(workload + ": no service module of that name " + suite.modules().keySet());
            }
            for (Container container : workload.pod().getContainers()) {
                String image = container.getImage() == null ? "" : container.getImage();
                String name = imageName(image);
                if (!name.equals(workload.name()) || !suite.modules().containsKey(name)) {
                    violations.add(workload + " container " + container.getName() + ": image " + image
                            + " is not the module's (" + workload.name() + ")");
                }
                if (!workload.name().equals(container.getName())) {
                    violations.add(workload + ": container named " + container.getName() + ", not after its module");
                }
                long expectedUser = imageTag(image).endsWith("-native") ? NATIVE_USER : JVM_USER;
                Long user = runAsUser(workload, container);
                if (user == null || user != expectedUser) {
                    violations.add(workload + " container " + container.getName() + ": image " + image + " runs as "
                            + expectedUser + ", the pod says runAsUser " + user);
                }
            }
        }
        return violations;
    }

    /** "registry:5000/zhiyue/api-gateway:1.0@sha256:..." -> "api-gateway". */
    static String imageName(String image) {
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        String last = withoutDigest.substring(withoutDigest.lastIndexOf('/') + 1);
        return last.contains(":") ? last.substring(0, last.indexOf(':')) : last;
    }

    static String imageTag(String image) {
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        String last = withoutDigest.substring(withoutDigest.lastIndexOf('/') + 1);
        return last.contains(":") ? last.substring(last.indexOf(':') + 1) : "latest";
    }

    /** A service's pods carry prometheus.io annotations for its own port and /q/metrics. */
    static List<String> scrapedByPrometheus(Suite suite) {
        List<String> violations = new ArrayList<>();
        for (Workload workload : deployments(suite)) {
            ServiceModule module = suite.modules().get(workload.name());
            if (module == null) {
                continue;
            }
            Map<String, String> annotations = workload.annotations();
            if (!"true".equals(annotations.get("prometheus.io/scrape"))) {
                violations.add(workload + ": pod template lacks prometheus.io/scrape: \"true\"");
            }
            if (!String.valueOf(module.port()).equals(annotations.get("prometheus.io/port"))) {
                violations.add(workload + ": prometheus.io/port is " + annotations.get("prometheus.io/port")
                        + ", the service listens on " + module.port());
            }
            if (!METRICS.equals(annotations.get("prometheus.io/path"))) {
                violations.add(workload + ": prometheus.io/path is " + annotations.get("prometheus.io/path") + ", not " + METRICS);
            }
        }
        return violations;
    }

    static List<Workload> deployments(Suite suite) {
        return suite.manifests().workloads().stream().filter(workload -> workload.kind().equals("Deployment")).toList();
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (Objects.nonNull(value)) {
                return value;
            }
        }
        return null;
    }
}
