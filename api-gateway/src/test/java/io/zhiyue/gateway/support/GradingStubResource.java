package io.zhiyue.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Starts a {@link GradingStub} and points the gateway's grading client at it. */
public class GradingStubResource implements QuarkusTestResourceLifecycleManager {

    private GradingStub stub;

    @Override
    public Map<String, String> start() {
        try {
            stub = new GradingStub();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("quarkus.rest-client.grading.url", stub.url());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(stub,
                new TestInjector.AnnotatedAndMatchesType(InjectGradingStub.class, GradingStub.class));
    }

    @Override
    public void stop() {
        if (stub != null) {
            stub.stop();
        }
    }
}
