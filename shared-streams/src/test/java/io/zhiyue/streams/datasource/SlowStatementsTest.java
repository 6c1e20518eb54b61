package io.zhiyue.streams.datasource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The slow-query watch on the real pool against real PostgreSQL: a statement over the threshold
 * (100 ms) is counted under its name, on the pool and inside a transaction alike; one under it is
 * not.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class SlowStatementsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Inject
    Pool pool;
    @Inject
    MeterRegistry registry;

    @Test
    void countsAStatementOverTheThresholdByName() {
        pool.preparedQuery("/* slow.on-pool */ SELECT pg_sleep($1)").execute(Tuple.of(0.15))
                .await().atMost(PATIENCE);
        pool.query("/* quick.on-pool */ SELECT 1").execute().await().atMost(PATIENCE);

        assertThat(slow("slow.on-pool")).isNotNull();
        assertThat(slow("slow.on-pool").count()).isEqualTo(1);
        assertThat(slow("slow.on-pool").totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(150);
        assertThat(slow("quick.on-pool")).as("a statement under the threshold is not counted").isNull();
    }

    @Test
    void watchesStatementsInsideATransaction() {
        pool.withTransaction(connection -> connection.preparedQuery("/* slow.in-transaction */ SELECT pg_sleep(0.15)")
                .execute()).await().atMost(PATIENCE);

        assertThat(slow("slow.in-transaction")).isNotNull();
        assertThat(slow("slow.in-transaction").count()).isEqualTo(1);
    }

    private Timer slow(String statement) {
        return registry.find(SlowStatements.METRIC).tag("statement", statement).timer();
    }
}
