package io.zhiyue.e2e;

import io.zhiyue.devstack.Endpoints;
import io.zhiyue.devstack.DevTokens;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.e2e.driver.LocalIdentity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import static org.awaitility.Awaitility.await;

/**
 * The services as a user runs them, from the packaged jars: (tracing-service, when traced,) checkpoint-service,
 * cache-service, saga-service, N grading-service processes and the gateway balancing over all of them, against the
 * given PostgreSQL and Redis.
 */
final class SuiteProcesses implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofMinutes(3);

    private final List<ServiceProcess> grading = new ArrayList<>();
    private final List<ServiceProcess> all = new ArrayList<>();
    private ServiceProcess tracing;
    private ServiceProcess checkpoint;
    private ServiceProcess cache;
    private ServiceProcess saga;
    private ServiceProcess gateway;
    private String prefix;

    static SuiteProcesses start(String prefix, Endpoints infrastructure, int gradingInstances,
            Map<String, String> extraEnv) {
        return start(prefix, infrastructure, gradingInstances, extraEnv, ServiceProcess.DEFAULT_HEAP);
    }

    /** @param maxHeap every process's -Xmx */
    static SuiteProcesses start(String prefix, Endpoints infrastructure, int gradingInstances,
            Map<String, String> extraEnv, String maxHeap) {
        return start(prefix, infrastructure, gradingInstances, extraEnv, maxHeap, false);
    }

    /** As the launcher runs it: tracing-service first, and every other service exporting its spans to it. */
    static SuiteProcesses startTraced(String prefix, Endpoints infrastructure, int gradingInstances,
            Map<String, String> extraEnv) {
        return start(prefix, infrastructure, gradingInstances, extraEnv, ServiceProcess.DEFAULT_HEAP, true);
    }

    /**
     * The gateway trusts a key pair made for the suite (e2e-tests/target/jwt), which the tests' clients sign
     * with ({@link LocalIdentity}); its limits leave room for tests that drive thousands of requests as one
     * teacher (the limits themselves are api-gateway's tests' business).
     */
    private static Map<String, String> gatewayIdentity(Path root) {
        Path keys = root.resolve("e2e-tests/target/jwt");
        System.setProperty(LocalIdentity.DIRECTORY_PROPERTY, keys.toString());
        Map<String, String> env = new HashMap<>();
        env.put("ZHIYUE_JWT_PUBLIC_KEY", DevTokens.inDirectory(keys).publicKey().toString());
        // Quarkus 3.30.8 counts every upgraded WebSocket request as in flight until the shutdown timeout, so a gateway
        // whose /ws was used waits all of it (10 s) at each stop; a suite stops only when its test is done with it
        env.put("QUARKUS_SHUTDOWN_TIMEOUT", "2s");
        for (String routeClass : List.of("READS", "WRITES", "UPLOADS", "JOB_CONTROLS", "MARKING", "STREAMS")) {
            env.put("ZHIYUE_RATE_LIMIT_" + routeClass + "_SUBJECT_LIMIT", "1000000");
            env.put("ZHIYUE_RATE_LIMIT_" + routeClass + "_TENANT_LIMIT", "1000000");
        }
        return env;
    }

    private static SuiteProcesses start(String prefix, Endpoints infrastructure, int gradingInstances,
            Map<String, String> extraEnv, String maxHeap, boolean traced) {
        Path root = Path.of(System.getProperty("zhiyue.root", "..")).toAbsolutePath().normalize();
        Path logs = root.resolve("e2e-tests/target/e2e-logs");
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("ZHIYUE_PG_URL", infrastructure.pgUrl());
        env.put("ZHIYUE_REDIS_URL", infrastructure.redisUrl());
        SuiteProcesses suite = new SuiteProcesses();
        suite.prefix = prefix;
        try {
            if (traced) {
                suite.tracing = suite.track(ServiceProcess.start(prefix + "-tracing",
                        root.resolve("tracing-service/target/quarkus-app/quarkus-run.jar"), ServiceProcess.freePort(),
                        env, logs, maxHeap));
                env.put("ZHIYUE_OTEL_DISABLED", "false");
                env.put("ZHIYUE_OTLP_ENDPOINT", "http://127.0.0.1:" + suite.tracing.port());
                // every span, at once: the test reads the trace back within seconds
                env.put("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "100ms");
            }
            // first: the services started after them call them
            suite.checkpoint = suite.track(ServiceProcess.start(prefix + "-checkpoint",
                    root.resolve("checkpoint-service/target/quarkus-app/quarkus-run.jar"), ServiceProcess.freePort(),
                    env, logs, maxHeap));
            suite.cache = suite.track(ServiceProcess.start(prefix + "-cache",
                    root.resolve("cache-service/target/quarkus-app/quarkus-run.jar"), ServiceProcess.freePort(),
                    env, logs, maxHeap));
            suite.saga = suite.track(ServiceProcess.start(prefix + "-saga",
                    root.resolve("saga-service/target/quarkus-app/quarkus-run.jar"), ServiceProcess.freePort(),
                    env, logs, maxHeap));
            StringJoiner instances = new StringJoiner(",");
            Map<String, String> gradingEnv = new HashMap<>(env);
            gradingEnv.put("ZHIYUE_CHECKPOINT_URL", "http://127.0.0.1:" + suite.checkpoint.port());
            gradingEnv.put("ZHIYUE_CACHE_URL", "http://127.0.0.1:" + suite.cache.port());
            gradingEnv.put("ZHIYUE_SAGA_URL", "http://127.0.0.1:" + suite.saga.port());
            for (int i = 0; i < gradingInstances; i++) {
                int port = ServiceProcess.freePort();
                instances.add("127.0.0.1:" + port);
                suite.grading.add(suite.track(ServiceProcess.start(prefix + "-grading-" + (char) ('a' + i),
                        root.resolve("grading-service/target/quarkus-app/quarkus-run.jar"), port, gradingEnv, logs,
                        maxHeap)));
            }
            Map<String, String> gatewayEnv = new HashMap<>(env);
            gatewayEnv.putAll(gatewayIdentity(root));
            gatewayEnv.put("ZHIYUE_GRADING_INSTANCES", instances.toString());
            gatewayEnv.put("ZHIYUE_CHECKPOINT_INSTANCES", "127.0.0.1:" + suite.checkpoint.port());
            gatewayEnv.put("ZHIYUE_CACHE_INSTANCES", "127.0.0.1:" + suite.cache.port());
            gatewayEnv.put("ZHIYUE_SAGA_INSTANCES", "127.0.0.1:" + suite.saga.port());
            if (traced) {
                gatewayEnv.put("ZHIYUE_TRACING_INSTANCES", "127.0.0.1:" + suite.tracing.port());
            }
            suite.gateway = suite.track(ServiceProcess.start(prefix + "-api-gateway",
                    root.resolve("api-gateway/target/quarkus-app/quarkus-run.jar"), ServiceProcess.freePort(),
                    gatewayEnv, logs, maxHeap));
            for (ServiceProcess process : suite.all) {
                await(process.name() + " ready (log " + process.log() + ")")
                        .atMost(STARTUP).pollInterval(Duration.ofMillis(500))
                        .until(process::isReady);
            }
            return suite;
        } catch (RuntimeException | Error e) {
            suite.close();
            throw e;
        }
    }

    /** Every process of the suite, in the order they started. */
    List<ServiceProcess> processes() {
        return List.copyOf(all);
    }

    ServiceProcess grading(int index) {
        return grading.get(index);
    }

    List<ServiceProcess> grading() {
        return List.copyOf(grading);
    }

    /** tracing-service, in a suite started traced (null otherwise). */
    ServiceProcess tracingProcess() {
        return tracing;
    }

    ServiceProcess checkpointProcess() {
        return checkpoint;
    }

    ServiceProcess sagaProcess() {
        return saga;
    }

    /**
     * SIGKILLs saga-service and starts it again on its port (the gateway and grading-service keep calling it
     * there), logging as {@code <prefix>-saga-<suffix>}; answers once the new process is ready.
     */
    ServiceProcess restartSaga(String suffix) {
        saga.kill();
        try {
            saga.process().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        saga = again(saga, "-saga-" + suffix);
        return saga;
    }

    /** Stops checkpoint-service as an operator would (SIGTERM, a graceful shutdown); see {@link #startCheckpointAgain}. */
    void stopCheckpoint() {
        checkpoint.close();
    }

    /** Starts checkpoint-service again on its port, logging as {@code <prefix>-checkpoint-<suffix>}; answers once ready. */
    ServiceProcess startCheckpointAgain(String suffix) {
        checkpoint = again(checkpoint, "-checkpoint-" + suffix);
        return checkpoint;
    }

    /** A stopped process's service started again in its place, on its port; answers once it is ready. */
    private ServiceProcess again(ServiceProcess stopped, String suffix) {
        ServiceProcess next = stopped.again(prefix + suffix);
        all.set(all.indexOf(stopped), next);
        await(next.name() + " ready (log " + next.log() + ")").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .until(next::isReady);
        return next;
    }

    ServiceProcess cacheProcess() {
        return cache;
    }

    ServiceProcess gatewayProcess() {
        return gateway;
    }

    GatewayClient gateway() {
        return new GatewayClient(gateway.url());
    }

    /**
     * A second api-gateway replica, configured as the first (same services, Redis and key pair) on its own port and
     * logging as {@code <prefix>-api-gateway-<suffix>}; answers once it is ready. Only the tests about replicas
     * need one, so it is not part of every suite; it stops with the suite, before the services it calls.
     */
    ServiceProcess startGatewayReplica(String suffix) {
        ServiceProcess replica = track(gateway.another(prefix + "-api-gateway-" + suffix, ServiceProcess.freePort()));
        await(replica.name() + " ready (log " + replica.log() + ")").atMost(STARTUP).pollInterval(Duration.ofMillis(500))
                .until(replica::isReady);
        return replica;
    }

    private ServiceProcess track(ServiceProcess process) {
        all.add(process);
        return process;
    }

    /**
     * The gateways first, so nothing calls a service that is going away; then the services behind them. Each
     * group stops together: every process shuts down gracefully on its own, so stopping them one by one would
     * only add their times up.
     */
    @Override
    public void close() {
        List<ServiceProcess> gateways = all.stream().filter(process -> process.name().startsWith(prefix + "-api-gateway"))
                .toList();
        stopTogether(gateways);
        stopTogether(all.stream().filter(process -> !gateways.contains(process)).toList());
    }

    private static void stopTogether(List<ServiceProcess> processes) {
        processes.forEach(ServiceProcess::terminate);
        processes.forEach(ServiceProcess::awaitExit);
    }
}
