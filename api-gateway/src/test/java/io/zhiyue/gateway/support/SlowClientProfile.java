package io.zhiyue.gateway.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.zhiyue.devstack.DevstackTestResource;

import java.util.List;
import java.util.Map;

/** A tiny outbox, so a stalled client overflows after a few messages once its socket is full. */
public class SlowClientProfile implements QuarkusTestProfile {

    public static final int OUTBOX_CAPACITY = 4;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("zhiyue.gateway.outbox-capacity", Integer.toString(OUTBOX_CAPACITY));
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DevstackTestResource.class));
    }
}
