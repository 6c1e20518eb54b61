package io.zhiyue.gateway.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.zhiyue.devstack.DevstackTestResource;

import java.util.List;
import java.util.Map;

/** Real PostgreSQL and Redis, grading-service replaced by a stub, fast heartbeats, small limits. */
public class StubbedGradingProfile implements QuarkusTestProfile {

    public static final int MAX_BODY_BYTES = 4096;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "zhiyue.gateway.heartbeat-interval", "1s",
                "zhiyue.gateway.max-body-size", Integer.toString(MAX_BODY_BYTES),
                "zhiyue.gateway.replay-page-size", "7");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DevstackTestResource.class),
                new TestResourceEntry(GradingStubResource.class));
    }
}
