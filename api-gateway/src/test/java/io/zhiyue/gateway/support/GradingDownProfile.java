package io.zhiyue.gateway.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.zhiyue.devstack.DevstackTestResource;

import java.util.List;
import java.util.Map;

/** grading-service, checkpoint-service, saga-service and tracing-service "run" on ports nobody listens on. */
public class GradingDownProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(GradingStub.INSTANCES, "127.0.0.1:" + GradingStubResource.closedPort(),
                CheckpointStubResource.INSTANCES, "127.0.0.1:" + GradingStubResource.closedPort(),
                SagaStubResource.INSTANCES, "127.0.0.1:" + GradingStubResource.closedPort(),
                TracingStubResource.INSTANCES, "127.0.0.1:" + GradingStubResource.closedPort());
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DevstackTestResource.class));
    }
}
