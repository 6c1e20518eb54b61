package io.zhiyue.streams.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.streams.idempotency.IdempotentConsumer;
import io.zhiyue.streams.support.Envelopes;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The transactional outbox against real PostgreSQL and Redis: events exist exactly when their
 * transaction commits, go out in order, and a relay that dies between publishing and marking
 * publishes again (duplicates, never a gap), which an idempotent consumer absorbs.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
@TestProfile(OutboxTest.RelayByHand.class)
public class OutboxTest {

    /** No background relay: each test runs the relay itself, so it decides what happens when. */
    public static class RelayByHand implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("zhiyue.streams.outbox.relay-enabled", "false");
        }
    }

    @Inject
    Outbox outbox;
    @Inject
    OutboxRelay relay;
    @Inject
    IdempotentConsumer idempotent;
    @Inject
    Pool pool;
    @Inject
    RedisDataSource redis;
    @Inject
    MeterRegistry registry;

    @Test
    void publishesWhatACommittedTransactionAddedInOrder() {
        String stream = Envelopes.uniqueStream();
        outbox.inTransaction((connection, events) -> {
            for (int i = 0; i < 5; i++) {
                events.add(stream, Envelopes.note(stream + "-" + i, "event " + i));
            }
            return Uni.createFrom().voidItem();
        }).await().atMost(Duration.ofSeconds(5));
        assertThat(keysIn(stream)).as("nothing is published before the relay runs").isEmpty();

        relay.flush(Duration.ofSeconds(5));

        assertThat(keysIn(stream)).containsExactly(stream + "-0", stream + "-1", stream + "-2", stream + "-3",
                stream + "-4");
        assertThat(unsentOf(stream)).isZero();
    }

    @Test
    void transactionsArePublishedInCommitOrderAndTwoRelaysNeverPublishARowTwice() {
        String stream = Envelopes.uniqueStream();
        for (int i = 0; i < 30; i++) {
            outbox.publish(stream, Envelopes.note(stream + "-" + i, "event " + i)).await().atMost(Duration.ofSeconds(5));
        }

        // another process's relay holds the lock: this one does not wait for it, it says so
        int whileHeld = pool.withTransaction(other -> other.query(OutboxSql.TRY_LOCK).execute()
                        .chain(() -> relay.relayOnce()))
                .await().atMost(Duration.ofSeconds(10));
        assertThat(whileHeld).isEqualTo(OutboxRelay.BUSY);
        assertThat(keysIn(stream)).isEmpty();

        relay.flush(Duration.ofSeconds(5));

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            expected.add(stream + "-" + i);
        }
        assertThat(keysIn(stream)).containsExactlyElementsOf(expected);
    }

    @Test
    void aRolledBackTransactionPublishesNothing() {
        String stream = Envelopes.uniqueStream();
        assertThatThrownBy(() -> outbox.inTransaction((connection, events) -> {
            events.add(stream, Envelopes.note(stream + "-lost", "never happened"));
            return Uni.createFrom().<Void>failure(new IllegalStateException("the change failed"));
        }).await().atMost(Duration.ofSeconds(5))).hasMessageContaining("the change failed");

        Envelope marker = Envelopes.note(stream + "-marker", "after the failure");
        outbox.publish(stream, marker).await().atMost(Duration.ofSeconds(5));
        relay.flush(Duration.ofSeconds(5));
        assertThat(keysIn(stream)).containsExactly(marker.key());
    }

    @Test
    void aRelayThatDiesBeforeMarkingRowsSentPublishesThemAgainAndTheConsumerDedupes() {
        String stream = Envelopes.uniqueStream();
        List<Envelope> envelopes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            envelopes.add(Envelopes.note(stream + "-" + i, "note " + i));
        }
        // rows another process wrote
        pool.withTransaction(connection -> Uni.join().all(envelopes.stream().map(envelope -> connection
                .preparedQuery("INSERT INTO outbox (stream, tenant_id, envelope_id, type, version, key, occurred_at, "
                        + "payload) VALUES ($1, $2, $3, $4, 1, $5, now(), $6)")
                .execute(Tuple.from(List.of(stream, envelope.tenantId(), envelope.id(), envelope.type().name(),
                        envelope.key(), envelope.payload().toString())))).toList()).andFailFast())
                .await().atMost(Duration.ofSeconds(5));

        // a relay that publishes and then dies before its transaction commits
        assertThatThrownBy(() -> pool.withTransaction(connection -> connection.query(OutboxSql.TRY_LOCK).execute()
                .chain(() -> connection.preparedQuery("SELECT * FROM outbox WHERE stream = $1 ORDER BY id")
                        .execute(Tuple.of(stream)))
                .chain(rows -> relay.publishAndMark(connection, rows))
                .chain(published -> Uni.createFrom().<Integer>failure(new IllegalStateException("relay killed"))))
                .await().atMost(Duration.ofSeconds(5))).hasMessageContaining("relay killed");
        assertThat(unsentOf(stream)).as("nothing was marked sent").isEqualTo(3);

        relay.flush(Duration.ofSeconds(5));
        List<String> keys = keysIn(stream);
        assertThat(keys).as("the batch again, in the same order, after the crashed attempt")
                .containsExactly(stream + "-0", stream + "-1", stream + "-2", stream + "-0", stream + "-1", stream + "-2");
        assertThat(unsentOf(stream)).isZero();

        int ran = 0;
        for (Envelope envelope : envelopesIn(stream)) {
            boolean first = idempotent.once("outbox-test", envelope, (connection, events) -> connection
                            .preparedQuery("INSERT INTO notes (key, tenant_id, body) VALUES ($1, $2, $3)")
                            .execute(Tuple.of(envelope.key(), envelope.tenantId(), envelope.payload().toString()))
                            .replaceWithVoid())
                    .await().atMost(Duration.ofSeconds(5));
            ran += first ? 1 : 0;
        }
        assertThat(ran).as("each key handled once").isEqualTo(3);
        assertThat(pool.preparedQuery("SELECT count(*) FROM notes WHERE key LIKE $1").execute(Tuple.of(stream + "%"))
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0)).isEqualTo(3);
    }

    @Test
    void theBacklogGaugesShowWhatWaitsAndForHowLong() {
        String stream = Envelopes.uniqueStream();
        outbox.inTransaction((connection, events) -> {
            for (int i = 0; i < 3; i++) {
                events.add(stream, Envelopes.note(stream + "-" + i, "event " + i));
            }
            return Uni.createFrom().voidItem();
        }).await().atMost(Duration.ofSeconds(5));
        // written a while ago, by a process whose relay could not publish
        pool.preparedQuery("UPDATE outbox SET created_at = now() - interval '90 seconds' WHERE stream = $1")
                .execute(Tuple.of(stream)).await().atMost(Duration.ofSeconds(5));

        relay.countBacklog();
        await().atMost(Duration.ofSeconds(5)).until(() -> gauge("zhiyue.outbox.backlog") >= 3);
        assertThat(gauge("zhiyue.outbox.backlog.age")).isGreaterThanOrEqualTo(90);

        relay.flush(Duration.ofSeconds(5));
        relay.countBacklog();
        await().atMost(Duration.ofSeconds(5)).until(() -> gauge("zhiyue.outbox.backlog") == 0);
        assertThat(gauge("zhiyue.outbox.backlog.age")).isZero();
    }

    @Test
    void sentRowsPastTheRetentionPeriodGoUnderTheRetentionLeaseAndUnsentOnesStay() {
        String stream = Envelopes.uniqueStream();
        outbox.inTransaction((connection, events) -> {
            for (int i = 0; i < 3; i++) {
                events.add(stream, Envelopes.note(stream + "-" + i, "event " + i));
            }
            return Uni.createFrom().voidItem();
        }).await().atMost(Duration.ofSeconds(5));
        // -0 sent two hours ago (past the 1 h retention), -1 sent just now, -2 never sent
        pool.preparedQuery("UPDATE outbox SET sent_at = now() - interval '2 hours' WHERE key = $1")
                .execute(Tuple.of(stream + "-0")).await().atMost(Duration.ofSeconds(5));
        pool.preparedQuery("UPDATE outbox SET sent_at = now() WHERE key = $1")
                .execute(Tuple.of(stream + "-1")).await().atMost(Duration.ofSeconds(5));

        assertThat(relay.deleteSent().await().atMost(Duration.ofSeconds(5))).as("this instance took the lease").isTrue();
        List<String> left = new ArrayList<>();
        pool.preparedQuery("SELECT key FROM outbox WHERE stream = $1 ORDER BY key").execute(Tuple.of(stream))
                .await().atMost(Duration.ofSeconds(5)).forEach(row -> left.add(row.getString("key")));
        assertThat(left).containsExactly(stream + "-1", stream + "-2");
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    @Test
    void aDuplicateKeyFromTheWorkItselfCountsAsAlreadyDone() {
        String key = Envelopes.uniqueStream() + "-note";
        pool.preparedQuery("INSERT INTO notes (key, tenant_id, body) VALUES ($1, 'test-school', 'earlier')")
                .execute(Tuple.of(key)).await().atMost(Duration.ofSeconds(5));
        Envelope envelope = Envelopes.note(key, "again");

        boolean ran = idempotent.once("dup-test", envelope, (connection, events) -> connection
                        .preparedQuery("INSERT INTO notes (key, tenant_id, body) VALUES ($1, 'test-school', 'again')")
                        .execute(Tuple.of(key)).replaceWithVoid())
                .await().atMost(Duration.ofSeconds(5));

        assertThat(ran).isFalse();
    }

    private long unsentOf(String stream) {
        return pool.preparedQuery("SELECT count(*) FROM outbox WHERE stream = $1 AND sent_at IS NULL")
                .execute(Tuple.of(stream)).await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
    }

    private List<Envelope> envelopesIn(String stream) {
        Response entries = redis.execute("XRANGE", stream, "-", "+");
        List<Envelope> envelopes = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Response fields = entries.get(i).get(1);
            java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
            for (int j = 0; j + 1 < fields.size(); j += 2) {
                map.put(fields.get(j).toString(), fields.get(j + 1).toString());
            }
            envelopes.add(Envelope.fromFields(map));
        }
        return envelopes;
    }

    private List<String> keysIn(String stream) {
        return envelopesIn(stream).stream().map(Envelope::key).toList();
    }
}
