package io.zhiyue.tracing.store;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class SpanRetentionTest {

    @Inject
    Pool pool;
    @Inject
    SpanRetention retention;

    @Test
    void spansPastTheRetentionPeriodGoUnderTheServicesRetentionLease() {
        String trace = UUID.randomUUID().toString().replace("-", "");
        for (Object[] span : new Object[][] {{"00000000000000a1", 8}, {"00000000000000a2", 6}}) {
            pool.preparedQuery("INSERT INTO spans (trace_id, span_id, service, name, kind, start_time, end_time, "
                    + "duration_us, status_code, attributes) VALUES ($1, $2, 'test', 'retention', 'INTERNAL', "
                    + "now() - make_interval(days => $3), now() - make_interval(days => $3), 1, 'OK', '{}')")
                    .execute(Tuple.of(trace, span[0], span[1])).await().indefinitely();
        }
        // the scheduled sweep runs under the service's retention lease (RetentionSweepsTest: only its holder sweeps)
        assertThat(retention.sweepUnderLease().await().indefinitely()).as("this instance holds the lease").isTrue();
        List<String> left = new ArrayList<>();
        pool.preparedQuery("SELECT span_id FROM spans WHERE trace_id = $1").execute(Tuple.of(trace))
                .await().indefinitely().forEach(row -> left.add(row.getString("span_id")));
        assertThat(left).as("a span of 8 days goes (7 by default), one of 6 stays").containsExactly("00000000000000a2");
    }
}
