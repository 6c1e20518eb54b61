package io.zhiyue.deploy;

import java.time.Duration;
import java.util.Set;

/**
 * A module that runs as a service (its application.properties sets {@code quarkus.http.port}), with what its
 * configuration says about its environment.
 *
 * @param reads the environment variables it reads: every {@code ${ZHIYUE_...}} its properties name, the
 *              environment form of every property they set (an env var overrides it), and the connection
 *              variables of shared-model's ConfigSource
 * @param needs the ones a deployment must provide: a {@code ${ZHIYUE_...}} without default or whose default
 *              points at localhost or a local file, and whatever overrides a property set to a localhost address
 * @param origins the needed variables that name browsers' origins (CORS), not an address the service connects to:
 *              localhost there is the user's machine, a fine value where the ports are published on it
 */
record ServiceModule(String name, int port, Duration shutdownTimeout, Set<String> reads, Set<String> needs,
                     Set<String> origins) {

    boolean readsVariable(String variable) {
        return reads.contains(variable);
    }

    /** Whether a localhost value of this needed variable would point the service at its own pod or container. */
    boolean connectsTo(String variable) {
        return !origins.contains(variable);
    }
}
