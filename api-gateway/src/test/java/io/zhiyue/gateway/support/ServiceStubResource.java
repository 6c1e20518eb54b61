package io.zhiyue.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.util.Map;

/**
 * A recording stub (a {@link GradingStub} on its own port) standing in for one downstream service:
 * the gateway's instance list for it ({@code instancesKey}) names the stub, and the test field
 * marked with {@code inject} receives it, so a test sees which service a route reached.
 */
abstract class ServiceStubResource implements QuarkusTestResourceLifecycleManager {

    private final String instancesKey;
    private final Class<? extends Annotation> inject;
    private final boolean echoUnprogrammed;
    private GradingStub stub;

    ServiceStubResource(String instancesKey, Class<? extends Annotation> inject, boolean echoUnprogrammed) {
        this.instancesKey = instancesKey;
        this.inject = inject;
        this.echoUnprogrammed = echoUnprogrammed;
    }

    @Override
    public Map<String, String> start() {
        try {
            stub = new GradingStub(echoUnprogrammed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(instancesKey, stub.address());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(stub, new TestInjector.AnnotatedAndMatchesType(inject, GradingStub.class));
    }

    @Override
    public void stop() {
        if (stub != null) {
            stub.stop();
        }
    }
}
