package io.zhiyue.gateway.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.zhiyue.devstack.DevstackTestResource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

/** grading-service "runs" on a port nobody listens on. */
public class GradingDownProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.rest-client.grading.url", "http://127.0.0.1:" + closedPort());
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DevstackTestResource.class));
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
