package io.zhiyue.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A third recording stub (the same {@link GradingStub} class, its own port) standing in for
 * cache-service: a job read it was not told about answers 404, as a read model that has not seen
 * the job does.
 */
public class CacheStubResource implements QuarkusTestResourceLifecycleManager {

    /** The configuration key of the gateway's list of cache-service instances. */
    public static final String INSTANCES = "quarkus.stork.cache-service.service-discovery.address-list";

    private GradingStub stub;

    @Override
    public Map<String, String> start() {
        try {
            stub = new GradingStub(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(INSTANCES, stub.address());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(stub,
                new TestInjector.AnnotatedAndMatchesType(InjectCacheStub.class, GradingStub.class));
    }

    @Override
    public void stop() {
        if (stub != null) {
            stub.stop();
        }
    }
}
