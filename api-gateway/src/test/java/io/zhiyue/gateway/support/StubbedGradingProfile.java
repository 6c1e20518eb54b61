package io.zhiyue.gateway.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.zhiyue.devstack.DevstackTestResource;

import java.util.List;
import java.util.Map;

/**
 * Real PostgreSQL and Redis, grading-service, checkpoint-service, cache-service, saga-service and tracing-service replaced
 * by stubs, fast heartbeats (and pings), a short idle timeout, small limits, and (through MicroProfile Fault Tolerance's
 * {@code <class>/<method>/Timeout/*} keys) a short timeout on submission uploads.
 */
public class StubbedGradingProfile implements QuarkusTestProfile {

    public static final int MAX_BODY_BYTES = 4096;
    public static final long UPLOAD_TIMEOUT_MILLIS = 500;
    public static final int IDLE_TIMEOUT_SECONDS = 3;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "zhiyue.gateway.heartbeat-interval", "1s",
                "zhiyue.gateway.idle-timeout", IDLE_TIMEOUT_SECONDS + "s",
                "zhiyue.http.max-body-size", Integer.toString(MAX_BODY_BYTES),
                "zhiyue.gateway.replay-page-size", "7",
                "io.zhiyue.gateway.client.GradingClient/uploadSubmissions/Timeout/value",
                Long.toString(UPLOAD_TIMEOUT_MILLIS),
                "io.zhiyue.gateway.client.GradingClient/uploadSubmissions/Timeout/unit", "MILLIS");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DevstackTestResource.class),
                new TestResourceEntry(GradingStubResource.class), new TestResourceEntry(CheckpointStubResource.class),
                new TestResourceEntry(CacheStubResource.class), new TestResourceEntry(SagaStubResource.class),
                new TestResourceEntry(TracingStubResource.class));
    }
}
