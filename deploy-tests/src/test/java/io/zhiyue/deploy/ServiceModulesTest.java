package io.zhiyue.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The reader of the services' configuration finds what their properties say (the other tests rely on it). */
class ServiceModulesTest {

    private final Path root = Repository.root();
    private final Map<String, ServiceModule> modules = ServiceModules.byName(root);

    @Test
    void theServiceModulesAreTheModulesWithAnHttpPort() {
        assertThat(modules).containsOnlyKeys("api-gateway", "grading-service", "cache-service", "saga-service",
                "tracing-service", "checkpoint-service");
        assertThat(modules.get("grading-service").port()).isEqualTo(8081);
        assertThat(modules.get("checkpoint-service").port()).isEqualTo(8085);
    }

    @Test
    void theConnectionVariablesAreTheOnesSharedModelsConfigSourceReads() {
        assertThat(ServiceModules.CONNECTION_VARIABLES.keySet())
                .containsExactlyInAnyOrderElementsOf(ServiceModules.connectionVariablesInSource(root));
    }

    @Test
    void gradingServiceNeedsItsConnectionsAndTheServicesItCalls() {
        assertThat(modules.get("grading-service").needs()).contains("ZHIYUE_PG_URL", "ZHIYUE_REDIS_URL",
                "ZHIYUE_CHECKPOINT_URL", "ZHIYUE_CACHE_URL", "ZHIYUE_SAGA_URL", "ZHIYUE_OTLP_ENDPOINT");
    }

    @Test
    void aVariableWithAnEmptyOrPlainDefaultIsReadButNotNeeded() {
        ServiceModule grading = modules.get("grading-service");

        assertThat(grading.reads()).contains("ZHIYUE_LLM_BASE_URL", "ZHIYUE_LLM_MODEL", "ZHIYUE_GRADING_WORKERS");
        assertThat(grading.needs()).doesNotContain("ZHIYUE_LLM_BASE_URL", "ZHIYUE_LLM_MODEL", "ZHIYUE_GRADING_WORKERS");
    }

    @Test
    void theGatewayNeedsItsKeyFileItsOriginsAndEveryInstanceList() {
        assertThat(modules.get("api-gateway").needs()).contains("ZHIYUE_JWT_PUBLIC_KEY", "ZHIYUE_CORS_ORIGINS",
                "ZHIYUE_GRADING_INSTANCES", "ZHIYUE_CHECKPOINT_INSTANCES", "ZHIYUE_CACHE_INSTANCES",
                "ZHIYUE_SAGA_INSTANCES", "ZHIYUE_TRACING_INSTANCES");
        assertThat(modules.get("api-gateway").reads()).contains("ZHIYUE_RATE_LIMIT_JOB_CONTROLS_SUBJECT_LIMIT",
                "QUARKUS_REDIS_RATE_LIMIT_MAX_POOL_SIZE", "ZHIYUE_DB_SLOW_STATEMENT_THRESHOLD");
    }

    @Test
    void tracingServiceExportsNoSpansSoReadsNoExporterEndpoint() {
        assertThat(modules.get("tracing-service").reads()).doesNotContain("ZHIYUE_OTLP_ENDPOINT", "ZHIYUE_OTEL_DISABLED");
        assertThat(modules.get("tracing-service").needs()).containsExactlyInAnyOrder("ZHIYUE_PG_URL", "ZHIYUE_REDIS_URL");
    }

    @Test
    void shutdownTimeoutsComeFromTheProductionProfile() {
        assertThat(modules.get("grading-service").shutdownTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(modules.get("api-gateway").shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void environmentNamesAndDurationsFollowSmallRyeAndQuarkus() {
        assertThat(ServiceModules.environmentName("quarkus.redis.rate-limit.max-pool-size"))
                .isEqualTo("QUARKUS_REDIS_RATE_LIMIT_MAX_POOL_SIZE");
        assertThat(ServiceModules.duration("PT0.25S")).isEqualTo(Duration.ofMillis(250));
        assertThat(ServiceModules.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ServiceModules.duration("2m")).isEqualTo(Duration.ofMinutes(2));
    }
}
