package io.zhiyue.grading.llm;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer;
import io.zhiyue.shared.tenant.TenantHeaders;

import java.util.Map;

/**
 * grading-service with an LLM: the scripted OpenAI-compatible server (a test double, started once
 * per test JVM) as an external provider the default tenant opted in to; a call times out after a
 * second, so stalls cost the tests little. checkpoint-service and cache-service's result cache
 * are stubs (test doubles) too ({@link CheckpointStubResource}).
 */
public class ScriptedLlmProfile implements QuarkusTestProfile {

    /** The tenant that did not opt in. */
    static final String NOT_OPTED_IN = "llm-not-opted-in";

    static final ScriptedOpenAiServer SERVER = ScriptedOpenAiServer.start(0);
    public static final CheckpointServiceStub CHECKPOINTS = new CheckpointServiceStub();
    public static final ResultCacheStub RESULTS = new ResultCacheStub();
    public static final SagaServiceStub SAGAS = new SagaServiceStub();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("zhiyue.llm.base-url", SERVER.baseUrl(), "zhiyue.llm.model", "scripted",
                "zhiyue.llm.external", "true", "zhiyue.llm.opted-in-tenants", TenantHeaders.DEFAULT_TENANT,
                "zhiyue.llm.timeout", "PT1S", "quarkus.rest-client.checkpoint.url", CHECKPOINTS.url(),
                "quarkus.rest-client.cache.url", RESULTS.url(), "quarkus.rest-client.saga.url", SAGAS.url());
    }
}
