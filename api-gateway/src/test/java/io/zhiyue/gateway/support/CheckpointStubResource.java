package io.zhiyue.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A second recording stub (the same {@link GradingStub} class, its own port) standing in for
 * checkpoint-service, so a test sees which service a route reached.
 */
public class CheckpointStubResource implements QuarkusTestResourceLifecycleManager {

    /** The configuration key of the gateway's list of checkpoint-service instances. */
    public static final String INSTANCES = "quarkus.stork.checkpoint-service.service-discovery.address-list";

    private GradingStub stub;

    @Override
    public Map<String, String> start() {
        try {
            stub = new GradingStub();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(INSTANCES, stub.address());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(stub,
                new TestInjector.AnnotatedAndMatchesType(InjectCheckpointStub.class, GradingStub.class));
    }

    @Override
    public void stop() {
        if (stub != null) {
            stub.stop();
        }
    }
}
