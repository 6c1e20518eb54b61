package io.zhiyue.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The PostgreSQL and Redis a test JVM uses: the ones named by {@code ZHIYUE_PG_URL} and
 * {@code ZHIYUE_REDIS_URL}, else embedded ones started once per JVM and stopped when it exits.
 */
public final class Devstack {

    private static Endpoints shared;

    private Devstack() {
    }

    public static synchronized Endpoints shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    private static Endpoints start() {
        String pgUrl = blankToNull(System.getenv("ZHIYUE_PG_URL"));
        String redisUrl = blankToNull(System.getenv("ZHIYUE_REDIS_URL"));
        if (pgUrl != null && redisUrl != null) {
            return new Endpoints(pgUrl, redisUrl);
        }
        try {
            DevstackProcess process = DevstackProcess.start(pgUrl == null, redisUrl == null,
                    Path.of("target", "devstack.log"));
            Runtime.getRuntime().addShutdownHook(new Thread(process::close, "devstack-stop"));
            Endpoints embedded = process.endpoints();
            return new Endpoints(pgUrl != null ? pgUrl : embedded.pgUrl(),
                    redisUrl != null ? redisUrl : embedded.redisUrl());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
