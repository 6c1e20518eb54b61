package io.zhiyue.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.zhiyue.deploy.ContainerEnvironment.Source;
import io.zhiyue.deploy.ContainerEnvironment.Variable;
import io.zhiyue.deploy.ManifestSet.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dev overlay's nightly backup of its in-cluster PostgreSQL (k8s/overlays/dev/postgres-backup.yaml), checked on
 * the overlay as written (no kubectl needed) and as kubectl renders it (skipped where kubectl is missing); prod, whose
 * PostgreSQL is external, has none (k8s/README.md, "Backups"). The backup's own script is run too, with stand-ins for
 * pg_dump and pg_restore.
 */
class PostgresBackupTest {

    /** How an overlay is read: its files as they are (with the generated Secrets), or rendered by kubectl kustomize. */
    enum Form { WRITTEN, RENDERED }

    private static final Path DEV = Repository.path("k8s/overlays/dev");
    private static final String BACKUP = "postgres-backup";
    private static final Map<String, String> BACKUP_LABELS = Map.of(
            "app.kubernetes.io/part-of", "zhiyue",
            "app.kubernetes.io/name", BACKUP,
            "app.kubernetes.io/component", "backup");
    private static final String DUMP_NAME = "zhiyue-\\d{8}T\\d{6}Z\\.dump";
    private static final Map<String, Suite> WRITTEN = new ConcurrentHashMap<>();

    @ParameterizedTest
    @EnumSource(Form.class)
    void devRunsOneNightlyBackupThatNeverOverlapsItself(Form form) {
        Suite dev = overlay("dev", form);

        assertThat(dev.manifests().all(CronJob.class)).extracting(cronJob -> cronJob.getMetadata().getName())
                .containsExactly(BACKUP);
        CronJob backup = backup(dev);
        CronJobSpec spec = backup.getSpec();
        assertThat(spec.getSchedule()).as("once a day at a fixed time").matches("\\d{1,2} \\d{1,2} \\* \\* \\*");
        assertThat(spec.getTimeZone()).as("the README's times are UTC").isEqualTo("Etc/UTC");
        assertThat(spec.getSuspend()).isNotEqualTo(Boolean.TRUE);
        assertThat(spec.getConcurrencyPolicy()).isEqualTo("Forbid");
        assertThat(spec.getSuccessfulJobsHistoryLimit()).isBetween(1, 5);
        assertThat(spec.getFailedJobsHistoryLimit()).isBetween(1, 5);
        JobSpec job = spec.getJobTemplate().getSpec();
        assertThat(job.getBackoffLimit()).as("backoffLimit").isNotNull().isBetween(0, 5);
        assertThat(job.getActiveDeadlineSeconds()).as("activeDeadlineSeconds").isNotNull().isBetween(60L, 6 * 3600L);
        assertThat(backup.getMetadata().getLabels()).containsAllEntriesOf(BACKUP_LABELS);
        assertThat(job.getTemplate().getMetadata().getLabels()).containsAllEntriesOf(BACKUP_LABELS);
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void devDumpsTheDatabaseOfHostPostgresWithTheCredentialsItWasCreatedWith(Form form) {
        Suite dev = overlay("dev", form);
        Container container = onlyContainer(workload(dev, "CronJob", BACKUP));
        Workload postgres = workload(dev, "StatefulSet", "postgres");
        Container server = onlyContainer(postgres);

        assertThat(container.getImage()).isEqualTo("postgres:16").isEqualTo(server.getImage());
        assertThat(script(container)).contains("pg_dump --format=custom");
        Map<String, Variable> env = ContainerEnvironment.of(container, dev);
        Map<String, Variable> serverEnv = ContainerEnvironment.of(server, dev);
        assertThat(value(env, "PGHOST")).isEqualTo("postgres");
        Service service = dev.manifests().named(Service.class, "postgres").orElseThrow();
        assertThat(LabelSelectors.selects(service.getSpec().getSelector(), postgres.labels()))
                .as("Service postgres selects the StatefulSet's pods").isTrue();
        assertThat(service.getSpec().getPorts()).as("PGPORT is a port of Service postgres")
                .anyMatch(port -> String.valueOf(port.getPort()).equals(value(env, "PGPORT")));
        assertThat(value(env, "PGDATABASE")).isEqualTo("zhiyue").isEqualTo(value(serverEnv, "POSTGRES_DB"));
        for (List<String> pair : List.of(List.of("PGUSER", "POSTGRES_USER", "username"),
                List.of("PGPASSWORD", "POSTGRES_PASSWORD", "password"))) {
            Variable mine = env.get(pair.get(0));
            Variable theirs = serverEnv.get(pair.get(1));
            assertThat(mine).as(pair.get(0)).isNotNull();
            assertThat(mine.source()).as(pair.get(0)).isEqualTo(Source.SECRET);
            assertThat(withoutHash(mine.sourceName())).as(pair.get(0)).isEqualTo("zhiyue-database");
            assertThat(mine.sourceName()).as(pair.get(0) + " names the Secret the server reads").isEqualTo(theirs.sourceName());
            assertThat(mine.key()).as(pair.get(0)).isEqualTo(pair.get(2)).isEqualTo(theirs.key());
            assertThat(mine.value()).as(pair.get(0) + " resolves").isNotBlank().isEqualTo(theirs.value());
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void devKeepsSevenDumpsOnAVolumeClaimOfTheOverlay(Form form) {
        Suite dev = overlay("dev", form);
        Workload backup = workload(dev, "CronJob", BACKUP);
        Container container = onlyContainer(backup);
        Map<String, Variable> env = ContainerEnvironment.of(container, dev);

        assertThat(value(env, "KEEP_DUMPS")).isEqualTo("7");
        String dir = value(env, "BACKUP_DIR");
        VolumeMount mount = container.getVolumeMounts().stream().filter(candidate -> candidate.getMountPath().equals(dir))
                .findFirst().orElseThrow(() -> new AssertionError("nothing is mounted at BACKUP_DIR " + dir));
        assertThat(mount.getReadOnly()).isNotEqualTo(Boolean.TRUE);
        Volume volume = backup.pod().getVolumes().stream().filter(candidate -> candidate.getName().equals(mount.getName()))
                .findFirst().orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
        assertThat(volume.getPersistentVolumeClaim()).as("BACKUP_DIR is a PersistentVolumeClaim").isNotNull();
        String claim = volume.getPersistentVolumeClaim().getClaimName();
        assertThat(claim).isEqualTo("postgres-backups");
        PersistentVolumeClaim pvc = dev.manifests().named(PersistentVolumeClaim.class, claim)
                .orElseThrow(() -> new AssertionError("no PersistentVolumeClaim " + claim + " in the overlay"));
        assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        Quantity storage = pvc.getSpec().getResources().getRequests().get("storage");
        assertThat(Quantity.getAmountInBytes(storage)).isEqualByComparingTo(Quantity.getAmountInBytes(new Quantity("5Gi")));
        assertThat(pvc.getMetadata().getLabels()).containsEntry("app.kubernetes.io/part-of", "zhiyue");
        assertThat(dev.manifests().all(PersistentVolumeClaim.class)).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void theBackupPodIsLockedDownLikeThePostgresStatefulSet(Form form) {
        Suite dev = overlay("dev", form);
        Workload backup = workload(dev, "CronJob", BACKUP);
        Workload postgres = workload(dev, "StatefulSet", "postgres");
        PodSecurityContext pod = backup.pod().getSecurityContext();
        PodSecurityContext server = postgres.pod().getSecurityContext();

        assertThat(pod.getRunAsNonRoot()).isTrue();
        assertThat(pod.getRunAsUser()).isEqualTo(999L).isEqualTo(server.getRunAsUser());
        assertThat(pod.getRunAsGroup()).isEqualTo(server.getRunAsGroup());
        assertThat(pod.getFsGroup()).isEqualTo(999L).isEqualTo(server.getFsGroup());
        assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(backup.pod().getAutomountServiceAccountToken()).isFalse();
        Container container = onlyContainer(backup);
        SecurityContext own = container.getSecurityContext();
        assertThat(own.getAllowPrivilegeEscalation()).isFalse();
        assertThat(own.getReadOnlyRootFilesystem()).isTrue();
        assertThat(own.getCapabilities().getDrop()).containsExactly("ALL");
        for (String resource : List.of("cpu", "memory")) {
            assertThat(container.getResources().getRequests()).as("requests").containsKey(resource);
            assertThat(container.getResources().getLimits()).as("limits").containsKey(resource);
        }
        // and the rules every pod is held to see it and find nothing
        String prefix = backup + " ";
        assertThat(WorkloadRules.lockedDown(dev)).noneMatch(violation -> violation.startsWith(prefix));
        assertThat(WorkloadRules.resourcesBounded(dev)).noneMatch(violation -> violation.startsWith(prefix));
        assertThat(WiringRules.referencesResolve(dev)).noneMatch(violation -> violation.startsWith(prefix));
        assertThat(WiringRules.addressesNameServicePorts(dev)).noneMatch(violation -> violation.startsWith(prefix));
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void aNetworkPolicyAdmitsTheBackupPodsToPostgresOnItsPort(Form form) {
        Suite dev = overlay("dev", form);
        Workload backup = workload(dev, "CronJob", BACKUP);
        Workload postgres = workload(dev, "StatefulSet", "postgres");
        int port = Integer.parseInt(value(ContainerEnvironment.of(onlyContainer(backup), dev), "PGPORT"));

        boolean admitted = dev.manifests().all(NetworkPolicy.class).stream()
                .filter(policy -> LabelSelectors.selects(policy.getSpec().getPodSelector(), postgres.labels()))
                .flatMap(policy -> list(policy.getSpec().getIngress()).stream())
                .anyMatch(rule -> admitsPod(rule, backup) && admitsPort(rule, postgres, port));

        assertThat(admitted).as("a NetworkPolicy admits " + backup + " to postgres on port " + port).isTrue();
        assertThat(NetworkPolicyRules.callers(dev).get("postgres")).as("callers of postgres").contains(BACKUP);
        assertThat(NetworkPolicyRules.servicesAdmitTheirCallers(dev))
                .noneMatch(violation -> violation.startsWith("StatefulSet postgres:"));
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void prodHasNoBackupJobAndNoVolume(Form form) {
        Suite prod = overlay("prod", form);

        assertThat(prod.manifests().all(CronJob.class)).as("prod's PostgreSQL is external: pgBackRest or WAL-G").isEmpty();
        assertThat(prod.manifests().all(PersistentVolumeClaim.class)).isEmpty();
    }

    @Test
    void theReadmeSaysHowToRunCopyAndRestoreABackupAndWhatProdUses() {
        String readme = Repository.read(Repository.path("k8s/README.md"));
        assertThat(readme).contains("## Backups");
        String backups = readme.substring(readme.indexOf("## Backups"));

        assertThat(backups).contains(
                "kubectl -n zhiyue create job --from=cronjob/postgres-backup",
                "claimName: postgres-backups",
                "kubectl -n zhiyue scale deployment --all --replicas=0",
                "pg_restore --clean --if-exists",
                "redis-cli FLUSHALL",
                "consumer groups",
                "pgBackRest", "WAL-G", "point-in-time");
        assertThat(Repository.read(DEV.resolve("postgres-backup.yaml"))).contains("pg_restore --clean --if-exists");
    }

    @Test
    void theRulesSeeTheBackupPodAsACallerAndAPod() {
        Suite unadmitted = devWith("network-policies.yaml",
                "              app.kubernetes.io/component: backup", "              app.kubernetes.io/component: service");
        Suite wrongPort = devWith("postgres-backup.yaml", "value: \"5432\"", "value: \"5433\"");
        Suite writable = devWith("postgres-backup.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false");
        Suite unbounded = devWith("postgres-backup.yaml", "                  memory: 256Mi\n", "");

        assertThat(NetworkPolicyRules.servicesAdmitTheirCallers(unadmitted))
                .contains("StatefulSet postgres: its callers [postgres-backup] are not admitted by any NetworkPolicy");
        assertThat(WiringRules.addressesNameServicePorts(wrongPort))
                .contains("CronJob postgres-backup: PGHOST names postgres:5433, a port Service postgres does not have");
        assertThat(WorkloadRules.lockedDown(writable))
                .contains("CronJob postgres-backup container pg-dump: root filesystem is not read-only");
        assertThat(WorkloadRules.resourcesBounded(unbounded))
                .containsExactly("CronJob postgres-backup container pg-dump: no memory limit");
    }

    @Test
    void libpqVariablesNameAnAddress() {
        Map<String, Variable> defaultPort = Map.of("PGHOST", literal("PGHOST", "postgres.zhiyue.svc"));
        Map<String, Variable> twoHosts = Map.of("PGHOST", literal("PGHOST", "postgres,/var/run/postgresql,replica"),
                "PGPORT", literal("PGPORT", "5432,5432,5433"));

        assertThat(Addresses.in(defaultPort)).containsExactly(new Addresses.Named("PGHOST", new Addresses.Address("postgres", 5432)));
        assertThat(Addresses.in(twoHosts)).containsExactly(
                new Addresses.Named("PGHOST", new Addresses.Address("postgres", 5432)),
                new Addresses.Named("PGHOST", new Addresses.Address("replica", 5433)));
    }

    @Test
    void theScriptRenamesOnlyAWholeDumpAndKeepsTheNewestSeven(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no /bin/sh to run the backup's script with");
        Suite dev = overlay("dev", Form.WRITTEN);
        Container container = onlyContainer(workload(dev, "CronJob", BACKUP));
        Path backups = Files.createDirectories(tmp.resolve("backups"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path calls = tmp.resolve("pg_dump.calls");
        // pg_dump writes a partial archive first; FAKE_MODE=fail exits 1 there, truncate exits 0 leaving it partial
        executable(bin.resolve("pg_dump"), """
                #!/bin/sh
                echo "$PGHOST $PGPORT $PGDATABASE $PGUSER $*" >> "$FAKE_CALLS"
                for argument; do case $argument in --file=*) file=${argument#--file=} ;; esac; done
                printf 'PGDMP partial' > "$file"
                case "${FAKE_MODE:-}" in fail) exit 1 ;; truncate) exit 0 ;; esac
                printf 'PGDMP whole' > "$file"
                """);
        executable(bin.resolve("pg_restore"), """
                #!/bin/sh
                [ "$1" = --list ] && grep -q 'PGDMP whole' "$2"
                """);
        for (int day = 1; day <= 8; day++) {
            Files.writeString(backups.resolve("zhiyue-2024010" + day + "T023000Z.dump"), "PGDMP whole");
        }
        Path stale = Files.writeString(backups.resolve("zhiyue-20231231T023000Z.dump.partial"), "PGDMP");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path running = Files.writeString(backups.resolve("zhiyue-20240109T023000Z.dump.partial"), "PGDMP");
        Path other = Files.writeString(backups.resolve("notes.txt"), "not a dump");

        Run first = run(container, dev, backups, bin, calls, "");
        String output = first.output();
        assertThat(first.exit()).as(output).isZero();

        Set<String> dumps = names(backups, DUMP_NAME);
        assertThat(dumps).as(output).hasSize(7)
                .contains("zhiyue-20240103T023000Z.dump", "zhiyue-20240108T023000Z.dump")
                .doesNotContain("zhiyue-20240101T023000Z.dump", "zhiyue-20240102T023000Z.dump");
        String written = dumps.stream().filter(name -> !name.startsWith("zhiyue-2024")).findFirst()
                .orElseThrow(() -> new AssertionError("no new dump: " + output));
        assertThat(Files.readString(backups.resolve(written))).isEqualTo("PGDMP whole");
        assertThat(stale).as("a killed run's partial file").doesNotExist();
        assertThat(running).as("a running job's partial file").exists();
        assertThat(other).exists();
        assertThat(names(backups, ".*\\.partial")).containsExactly(running.getFileName().toString());
        assertThat(Files.readString(calls)).startsWith("postgres 5432 zhiyue zhiyue --format=custom")
                .contains("--file=" + backups.resolve(written) + ".partial");
        assertThat(output).contains("wrote " + backups.resolve(written));

        Set<String> before = names(backups, ".*");
        for (String mode : List.of("fail", "truncate")) {
            Run failed = run(container, dev, backups, bin, calls, mode);
            assertThat(failed.exit()).as("pg_dump " + mode + ": " + failed.output()).isNotZero();
            assertThat(names(backups, ".*")).as("after pg_dump " + mode + ": nothing renamed, nothing removed").isEqualTo(before);
        }
    }

    private record Run(int exit, String output) {
    }

    /** Runs the container's command and args with its environment, BACKUP_DIR a temporary directory. */
    private static Run run(Container container, Suite dev, Path backups, Path bin, Path calls, String mode)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(list(container.getCommand()));
        command.addAll(list(container.getArgs()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        ContainerEnvironment.of(container, dev).forEach((name, variable) -> {
            assertThat(variable.value()).as(name).isNotNull();
            environment.put(name, variable.value());
        });
        environment.put("BACKUP_DIR", backups.toString());
        environment.put("PATH", bin + ":" + System.getenv("PATH"));
        environment.put("FAKE_CALLS", calls.toString());
        environment.put("FAKE_MODE", mode);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the backup script ran over 30 s: " + output);
        }
        return new Run(process.exitValue(), output);
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static Set<String> names(Path dir, String pattern) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.matches(pattern))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static boolean admitsPod(NetworkPolicyIngressRule rule, Workload pod) {
        return list(rule.getFrom()).stream().anyMatch((NetworkPolicyPeer peer) -> peer.getNamespaceSelector() == null
                && peer.getIpBlock() == null && LabelSelectors.selects(peer.getPodSelector(), pod.labels()));
    }

    private static boolean admitsPort(NetworkPolicyIngressRule rule, Workload target, int port) {
        return list(rule.getPorts()).stream().anyMatch((NetworkPolicyPort allowed) -> allowed.getEndPort() == null
                && Ports.resolve(allowed.getPort(), target.pod()).orElse(-1) == port);
    }

    static Suite overlay(String name, Form form) {
        return switch (form) {
            case WRITTEN -> WRITTEN.computeIfAbsent(name,
                    overlay -> Suite.of(ManifestSet.ofKustomization(Repository.path("k8s/overlays/" + overlay))));
            case RENDERED -> RenderedOverlaysTest.rendered(name);
        };
    }

    /** The dev overlay as written, with one text replaced in one of its own files (the replacement must happen). */
    private static Suite devWith(String file, String from, String to) {
        Kustomization kustomization = Kustomization.read(DEV);
        List<Manifest> manifests = new ArrayList<>();
        for (Path dir : kustomization.resourceDirs()) {
            manifests.addAll(ManifestSet.ofKustomization(dir).manifests());
        }
        for (Path resource : kustomization.resourceFiles()) {
            String text = Repository.read(resource);
            if (resource.getFileName().toString().equals(file)) {
                assertThat(text).as(file).containsOnlyOnce(from);
                text = text.replace(from, to);
            }
            manifests.addAll(StrictManifestLoader.resources(text, resource.getFileName().toString()));
        }
        manifests.addAll(ManifestSet.generated(kustomization));
        return Suite.of(new ManifestSet(manifests));
    }

    private static CronJob backup(Suite suite) {
        return suite.manifests().named(CronJob.class, BACKUP).orElseThrow(() -> new AssertionError("no CronJob " + BACKUP));
    }

    private static Workload workload(Suite suite, String kind, String name) {
        return suite.manifests().workloads().stream()
                .filter(workload -> workload.kind().equals(kind) && workload.name().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " among the workloads"));
    }

    private static Container onlyContainer(Workload workload) {
        assertThat(workload.pod().getContainers()).as(workload + " containers").hasSize(1);
        return workload.pod().getContainers().getFirst();
    }

    private static String script(Container container) {
        return String.join(" ", list(container.getCommand())) + " " + String.join(" ", list(container.getArgs()));
    }

    private static String value(Map<String, Variable> environment, String name) {
        Variable variable = environment.get(name);
        assertThat(variable).as("variable " + name).isNotNull();
        return variable.value();
    }

    private static Variable literal(String name, String value) {
        return new Variable(name, Source.LITERAL, null, null, false, value);
    }

    /** kustomize names a generated Secret name-<10 character hash>. */
    private static String withoutHash(String name) {
        return name.replaceFirst("-[a-z0-9]{10}$", "");
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
