package io.zhiyue.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** docker-compose.yml (it cannot run here) and its Prometheus and Grafana configuration, against the service modules. */
class ComposeFileTest {

    private final Path root = Repository.root();
    private final Collection<ServiceModule> modules = ServiceModules.read(root);
    private final JsonNode compose = ComposeRules.read(Repository.read(root.resolve("docker-compose.yml")), "docker-compose.yml");
    private final JsonNode prometheus = ComposeRules.read(
            Repository.read(root.resolve("monitoring/prometheus/prometheus.yml")), "prometheus.yml");

    @Test
    void everyServiceModuleIsBuiltFromItsDockerfile() {
        assertThat(ComposeRules.everyModuleBuilt(compose, modules, root)).isEmpty();
    }

    @Test
    void everyServiceListensOnItsModulesPort() {
        assertThat(ComposeRules.portsMatch(compose, modules)).isEmpty();
    }

    @Test
    void everyVariableAServiceNeedsIsSet() {
        assertThat(ComposeRules.needsProvided(compose, modules)).isEmpty();
    }

    @Test
    void servicesStartInHealthCheckedOrder() {
        assertThat(ComposeRules.startOrder(compose, modules)).isEmpty();
    }

    @Test
    void prometheusScrapesEveryServiceAndLoadsTheRules() {
        assertThat(MonitoringRules.scrapesEveryService(prometheus, modules)).isEmpty();
        assertThat(MonitoringRules.composeMountsMonitoring(compose)).isEmpty();
    }

    @Test
    void grafanaProvisionsPrometheusAndTheDashboardFolder() throws IOException {
        Path provisioning = root.resolve("monitoring/grafana/provisioning");

        assertThat(MonitoringRules.provisionedDataSources(provisioning)).contains("prometheus");
        assertThat(MonitoringRules.dashboardProviderPath(provisioning)).isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> everyDashboardUsesAProvisionedDataSource() throws IOException {
        Path dashboards = root.resolve("monitoring/grafana/dashboards");
        Set<String> provisioned = MonitoringRules.provisionedDataSources(root.resolve("monitoring/grafana/provisioning"));
        if (!Files.isDirectory(dashboards)) {
            return Stream.empty();
        }
        try (Stream<Path> files = Files.list(dashboards)) {
            List<Path> json = files.filter(file -> file.toString().endsWith(".json")).sorted().toList();
            return json.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () ->
                    assertThat(MonitoringRules.dashboardsUseProvisionedSources(
                            new ObjectMapper().readTree(file.toFile()), file.getFileName().toString(), provisioned)).isEmpty()));
        }
    }

    @Test
    void aServiceMissingANeededVariableOrOnTheWrongPortFails() {
        JsonNode broken = ComposeRules.read("""
                services:
                  saga-service:
                    build:
                      context: ./saga-service
                      dockerfile: src/main/docker/Dockerfile.jvm
                    environment:
                      ZHIYUE_PG_URL: postgresql://postgres:postgres@postgres:5432/zhiyue
                      ZHIYUE_OTLP_ENDPOINT: ${ZHIYUE_OTLP_ENDPOINT:-http://localhost:8084}
                      ZHIYUE_SAGA_TICKS: PT1S
                      QUARKUS_HTTP_PORT: "8093"
                """, "inline");
        List<ServiceModule> saga = modules.stream().filter(module -> module.name().equals("saga-service")).toList();

        assertThat(ComposeRules.needsProvided(broken, saga)).containsExactlyInAnyOrder(
                "saga-service: needs ZHIYUE_REDIS_URL, not in its environment",
                "saga-service: ZHIYUE_OTLP_ENDPOINT = http://localhost:8084 points at the container itself",
                "saga-service: sets ZHIYUE_SAGA_TICKS, which it does not read");
        assertThat(ComposeRules.portsMatch(broken, saga))
                .containsExactly("saga-service: QUARKUS_HTTP_PORT is 8093, its quarkus.http.port is 8083");
    }

    @Test
    void aDependencyWithoutConditionOrHealthcheckFails() {
        JsonNode broken = ComposeRules.read("""
                services:
                  postgres:
                    image: postgres:16
                  saga-service:
                    environment:
                      ZHIYUE_PG_URL: postgresql://postgres:postgres@postgres:5432/zhiyue
                      ZHIYUE_REDIS_URL: redis://redis:6379
                    depends_on:
                      postgres:
                        condition: service_healthy
                  redis:
                    image: redis:7
                  cache-service:
                    depends_on:
                      - postgres
                """, "inline");
        List<ServiceModule> saga = modules.stream().filter(module -> module.name().equals("saga-service")).toList();

        assertThat(ComposeRules.startOrder(broken, saga)).containsExactlyInAnyOrder(
                "saga-service: waits for postgres to be healthy, which has no healthcheck",
                "cache-service: depends_on is a list, without conditions",
                "saga-service: no healthcheck on /q/health/ready at port 8083",
                "saga-service: calls redis but does not wait for it (depends_on)");
    }

    @Test
    void aPrometheusConfigMissingAServiceFails() {
        JsonNode partial = ComposeRules.read("""
                rule_files: [alerts.yml]
                scrape_configs:
                  - job_name: grading-service
                    metrics_path: /metrics
                    static_configs:
                      - targets: ["grading-service:8081"]
                """, "inline");
        List<ServiceModule> two = modules.stream()
                .filter(module -> module.name().equals("grading-service") || module.name().equals("cache-service")).toList();

        assertThat(MonitoringRules.scrapesEveryService(partial, two)).containsExactlyInAnyOrder(
                "prometheus.yml: rule_files does not load rules.yml [alerts.yml]",
                "prometheus.yml job grading-service: metrics_path is not /q/metrics",
                "prometheus.yml: no scrape job named cache-service");
    }

    @Test
    void aDashboardNamingAnUnknownDataSourceFails() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree("""
                {"panels": [{"datasource": {"type": "prometheus", "uid": "prom-old"}},
                            {"datasource": {"type": "prometheus", "uid": "${datasource}"}}]}
                """);

        assertThat(MonitoringRules.dashboardsUseProvisionedSources(dashboard, "x.json", Set.of("prometheus")))
                .containsExactly("dashboard x.json: data source uid prom-old is not provisioned [prometheus]");
    }

    @Test
    void composeInterpolationResolvesToTheDefault() {
        assertThat(ComposeRules.interpolate("${ZHIYUE_LLM_MODEL:-default}")).isEqualTo("default");
        assertThat(ComposeRules.interpolate("${ZHIYUE_LLM_BASE_URL:-}")).isEmpty();
        assertThat(ComposeRules.interpolate("http://${HOST-tracing-service}:8084")).isEqualTo("http://tracing-service:8084");
    }
}
