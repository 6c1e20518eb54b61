package io.zhiyue.devstack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zhiyue.shared.config.ConnectionUrls;

import java.util.Map;

/**
 * Points a {@code @QuarkusTest} application at the devstack. The devstack is shared by every
 * test class of the JVM and stops when the JVM exits.
 */
public class DevstackTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Endpoints endpoints = Devstack.shared();
        return ConnectionUrls.forThisApplication(endpoints.pgUrl(), endpoints.redisUrl());
    }

    @Override
    public void stop() {
        // shared across test classes: the JVM's shutdown hook stops it
    }
}
