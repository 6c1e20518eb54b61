package io.zhiyue.gateway.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.zhiyue.devstack.DevstackTestResource;

import java.util.List;
import java.util.Map;

/**
 * Two grading-service instances behind the gateway: the stub, and one that died (nothing listens
 * on its port); a short read budget so a hung read is cut within a test's patience.
 */
public class TwoInstancesProfile implements QuarkusTestProfile {

    public static final long READ_BUDGET_MILLIS = 1_500;
    public static final long LONG_BUDGET_MILLIS = 2_000;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("zhiyue.gateway.read-budget", READ_BUDGET_MILLIS + "ms",
                "zhiyue.gateway.long-budget", LONG_BUDGET_MILLIS + "ms");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DevstackTestResource.class),
                new TestResourceEntry(GradingStubResource.class, Map.of(GradingStubResource.DEAD_PEER, "true")));
    }
}
