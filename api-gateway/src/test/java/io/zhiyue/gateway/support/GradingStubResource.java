package io.zhiyue.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zhiyue.devstack.Ports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Starts a {@link GradingStub} and points the gateway's grading client at it. */
public class GradingStubResource implements QuarkusTestResourceLifecycleManager {

    /** Init arg: list a second, dead instance (a closed port) before the stub. */
    public static final String DEAD_PEER = "dead-peer";

    private GradingStub stub;
    private boolean deadPeer;

    @Override
    public void init(Map<String, String> initArgs) {
        deadPeer = Boolean.parseBoolean(initArgs.getOrDefault(DEAD_PEER, "false"));
    }

    @Override
    public Map<String, String> start() {
        try {
            stub = new GradingStub();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String instances = deadPeer ? "127.0.0.1:" + closedPort() + "," + stub.address() : stub.address();
        return Map.of(GradingStub.INSTANCES, instances);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(stub,
                new TestInjector.AnnotatedAndMatchesType(InjectGradingStub.class, GradingStub.class));
    }

    /** A port nothing listens on (see {@link Ports#unused}). */
    static int closedPort() {
        return Ports.unused();
    }

    @Override
    public void stop() {
        if (stub != null) {
            stub.stop();
        }
    }
}
