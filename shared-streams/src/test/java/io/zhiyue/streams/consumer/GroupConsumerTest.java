package io.zhiyue.streams.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.config.StreamsConfig;
import io.zhiyue.streams.support.Envelopes;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The group consumer against the devstack's real Redis (6.2), with liveness measured in fractions
 * of a second (see application.properties): a dead consumer loses its entries within seconds, a
 * slow live one keeps them, failures end in the dead-letter stream, trimmed entries are settled.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class GroupConsumerTest {

    private static final String GROUP = "testers";

    @Inject
    RedisDataSource redis;
    @Inject
    StreamsConfig config;
    @Inject
    Tracer tracer;
    @Inject
    MeterRegistry registry;

    private final List<GroupConsumer> started = new ArrayList<>();

    @AfterEach
    void stopConsumers() {
        started.forEach(consumer -> consumer.stop(Duration.ofSeconds(5)));
        started.clear();
    }

    @Test
    void takesOverTheEntriesOfAConsumerThatStoppedHeartbeating() {
        String stream = Envelopes.uniqueStream();
        createGroup(stream);
        String first = add(stream, Envelopes.note("k1", "held by a consumer that died"));
        // a consumer that read the entry and then died: it never had (or renewed) a liveness key
        redis.execute("XREADGROUP", "GROUP", GROUP, "dead-consumer", "COUNT", "10", "STREAMS", stream, ">");
        Recorder recorder = new Recorder();

        long startedAt = System.nanoTime();
        start(stream, "survivor", recorder);

        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.deliveries(first) == 1);
        long tookMillis = (System.nanoTime() - startedAt) / 1_000_000;
        assertThat(tookMillis).as("taken over after the liveness TTL, not the %s reclaim idle", config.reclaimIdle())
                .isLessThan(config.reclaimIdle().toMillis());
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount(stream) == 0);
        assertThat(recorder.attempts(first).get(0)).as("delivery count").isEqualTo(2);
    }

    @Test
    void theLivenessKeyDecidesWhenAnEntryChangesHands() {
        String stream = Envelopes.uniqueStream();
        createGroup(stream);
        String id = add(stream, Envelopes.note("k-keyed", "held by a consumer whose last heartbeat lasts 3 s"));
        redis.execute("XREADGROUP", "GROUP", GROUP, "frozen", "COUNT", "1", "STREAMS", stream, ">");
        // its last heartbeat before it froze: alive for 3 s more (well within the reclaim idle), then silent
        long keyTtl = 3_000;
        redis.execute("SET", "zhiyue:streams:alive:" + stream + ":" + GROUP + ":frozen", "frozen", "PX",
                Long.toString(keyTtl));
        long heartbeatAt = System.nanoTime();
        Recorder survivor = new Recorder();
        start(stream, "survivor", survivor);

        await().atMost(Duration.ofSeconds(15)).until(() -> survivor.deliveries(id) == 1);
        long takenAfter = (System.nanoTime() - heartbeatAt) / 1_000_000;
        assertThat(takenAfter).as("ms until taken: not while the key lived, soon after it expired")
                .isBetween(keyTtl, config.reclaimIdle().toMillis() - 500);
    }

    @Test
    void aSlowButLiveConsumerKeepsItsEntryPastTheReclaimIdle() throws Exception {
        String stream = Envelopes.uniqueStream();
        createGroup(stream);
        long slowFor = config.reclaimIdle().toMillis() + 2_000;
        Recorder slow = new Recorder(envelope -> Uni.createFrom().voidItem()
                .onItem().delayIt().by(Duration.ofMillis(slowFor)));
        start(stream, "slow", slow);
        String id = add(stream, Envelopes.note("k-slow", "takes longer than the reclaim idle"));
        await().atMost(Duration.ofSeconds(5)).until(() -> slow.deliveries(id) == 1);

        Recorder other = new Recorder();
        start(stream, "other", other);

        await().atMost(Duration.ofMillis(slowFor + 5_000)).until(() -> pendingCount(stream) == 0);
        assertThat(other.deliveries(id)).as("the other consumer never took the entry").isZero();
        assertThat(slow.deliveries(id)).isEqualTo(1);
        assertThat(deadLetters(stream)).isEmpty();
    }

    @Test
    void deadLettersAnEntryAfterMaxDeliveriesAndTellsTheHandler() {
        String stream = Envelopes.uniqueStream();
        createGroup(stream);
        Recorder failing = new Recorder(envelope -> Uni.createFrom().failure(new IllegalStateException("boom")));
        start(stream, "unlucky", failing);
        String id = add(stream, Envelopes.note("k-fail", "always fails"));

        await().atMost(Duration.ofSeconds(20)).until(() -> !deadLetters(stream).isEmpty());
        assertThat(failing.attempts(id)).as("delivery counts seen by the handler")
                .containsExactly(1, 2, 3, 4, 5);
        Map<String, String> letter = deadLetters(stream).get(0);
        assertThat(letter).containsEntry("dlqSourceId", id).containsEntry("dlqGroup", GROUP)
                .containsEntry("dlqDeliveries", "5").containsEntry("key", "k-fail");
        assertThat(letter.get("dlqReason")).contains("5 times");
        assertThat(failing.deadLettered).containsExactly(id);
        await().atMost(Duration.ofSeconds(5)).until(() -> pendingCount(stream) == 0);
    }

    @Test
    void aMalformedEntryGoesStraightToTheDeadLetterStream() {
        String stream = Envelopes.uniqueStream();
        createGroup(stream);
        Recorder recorder = new Recorder();
        start(stream, "reader", recorder);
        String id = redis.execute("XADD", stream, "*", "not", "an envelope").toString();

        await().atMost(Duration.ofSeconds(5)).until(() -> !deadLetters(stream).isEmpty());
        assertThat(deadLetters(stream).get(0)).containsEntry("dlqSourceId", id).containsEntry("not", "an envelope");
        assertThat(deadLetters(stream).get(0).get("dlqReason")).startsWith("malformed entry");
        assertThat(recorder.deliveries(id)).isZero();
        assertThat(pendingCount(stream)).isZero();
    }

    @Test
    void acknowledgesAndCountsAPendingEntryThatWasTrimmedAway() {
        String stream = Envelopes.uniqueStream();
        createGroup(stream);
        String id = add(stream, Envelopes.note("k-trim", "trimmed while pending"));
        redis.execute("XREADGROUP", "GROUP", GROUP, "dead-consumer", "COUNT", "10", "STREAMS", stream, ">");
        redis.execute("XDEL", stream, id);
        double trimmedBefore = trimmedCount(stream);
        Recorder recorder = new Recorder();

        start(stream, "cleaner", recorder);

        await().atMost(Duration.ofSeconds(10)).until(() -> pendingCount(stream) == 0);
        assertThat(recorder.deliveries(id)).isZero();
        assertThat(trimmedCount(stream) - trimmedBefore).isEqualTo(1.0);
    }

    @Test
    void removesADeadConsumerThatHoldsNothing() {
        String stream = Envelopes.uniqueStream();
        createGroup(stream);
        redis.execute("XGROUP", "CREATECONSUMER", stream, GROUP, "gone-empty");
        start(stream, "janitor", new Recorder(envelope -> Uni.createFrom().voidItem()));

        await().atMost(config.reclaimIdle().plusSeconds(10)).until(() -> !consumerNames(stream).contains("gone-empty"));
    }

    @Test
    void neverRemovesAConsumerThatHoldsEntriesOrIsAlive() {
        String stream = Envelopes.uniqueStream();
        createGroup(stream);
        add(stream, Envelopes.note("k-held", "held by a dead consumer"));
        redis.execute("XREADGROUP", "GROUP", GROUP, "dead-holder", "COUNT", "1", "STREAMS", stream, ">");
        redis.execute("XGROUP", "CREATECONSUMER", stream, GROUP, "alive-empty");
        String aliveKey = "zhiyue:streams:alive:" + stream + ":" + GROUP + ":alive-empty";
        redis.execute("SET", aliveKey, "alive-empty", "PX", "60000");

        for (String name : List.of("dead-holder", "alive-empty")) {
            Response removed = redis.execute("EVAL", ConsumerScripts.REMOVE_IF_DEAD_AND_EMPTY, "2", stream,
                    "zhiyue:streams:alive:" + stream + ":" + GROUP + ":" + name, GROUP, name);
            assertThat(removed.toInteger()).as("removed %s", name).isZero();
        }
        assertThat(consumerNames(stream)).contains("dead-holder", "alive-empty");
        redis.execute("DEL", aliveKey);
    }

    @Test
    void stoppingFinishesTheEntryInHandAndLeavesTheGroup() {
        String stream = Envelopes.uniqueStream();
        createGroup(stream);
        Recorder slow = new Recorder(envelope -> Uni.createFrom().voidItem()
                .onItem().delayIt().by(Duration.ofMillis(800)));
        GroupConsumer leaving = start(stream, "draining", slow);
        String id = add(stream, Envelopes.note("k-drain", "in hand at shutdown"));
        await().atMost(Duration.ofSeconds(5)).until(() -> slow.deliveries(id) == 1);

        leaving.stop(Duration.ofSeconds(5));
        started.remove(leaving);

        assertThat(pendingCount(stream)).as("the entry in hand was finished and acknowledged").isZero();
        assertThat(consumerNames(stream)).as("a consumer that holds nothing leaves the group").isEmpty();
    }

    @Test
    void anEntryStillInHandAfterTheGraceIsTakenOverAtOnce() {
        String stream = Envelopes.uniqueStream();
        createGroup(stream);
        Recorder stuck = new Recorder(envelope -> Uni.createFrom().nothing());
        GroupConsumer leaving = start(stream, "stuck", stuck);
        String id = add(stream, Envelopes.note("k-stuck", "never finishes"));
        await().atMost(Duration.ofSeconds(5)).until(() -> stuck.deliveries(id) == 1);

        leaving.stop(Duration.ofMillis(300));
        started.remove(leaving);
        Recorder successor = new Recorder();
        long stoppedAt = System.nanoTime();
        start(stream, "successor", successor);

        await().atMost(Duration.ofSeconds(10)).until(() -> successor.deliveries(id) == 1);
        assertThat((System.nanoTime() - stoppedAt) / 1_000_000).as("ms until taken over")
                .isLessThan(config.reclaimIdle().toMillis());
    }

    // ---- helpers ------------------------------------------------------------------------------

    private GroupConsumer start(String stream, String name, Recorder recorder) {
        GroupConsumer consumer = new GroupConsumer(stream, GROUP, name, 1, recorder, redis, config, tracer, registry);
        consumer.start();
        started.add(consumer);
        return consumer;
    }

    private void createGroup(String stream) {
        redis.execute("XGROUP", "CREATE", stream, GROUP, "0", "MKSTREAM");
    }

    private String add(String stream, Envelope envelope) {
        List<String> args = new ArrayList<>(List.of(stream, "*"));
        envelope.toFields().forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        return redis.execute("XADD", args.toArray(new String[0])).toString();
    }

    private long pendingCount(String stream) {
        return redis.execute("XPENDING", stream, GROUP).get(0).toLong();
    }

    private double trimmedCount(String stream) {
        var counter = registry.find("zhiyue.stream.consumer.trimmed").tag("stream", stream).counter();
        return counter == null ? 0 : counter.count();
    }

    private List<String> consumerNames(String stream) {
        Response consumers = redis.execute("XINFO", "CONSUMERS", stream, GROUP);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < consumers.size(); i++) {
            names.add(consumers.get(i).get("name").toString());
        }
        return names;
    }

    private List<Map<String, String>> deadLetters(String stream) {
        Response entries = redis.execute("XRANGE", Streams.deadLetter(stream), "-", "+");
        List<Map<String, String>> letters = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            letters.add(StreamEntry.parse(entries.get(i)).fields());
        }
        return letters;
    }

    /** A handler that records every delivery (entry id → delivery counts) and then does what it is told. */
    static final class Recorder implements StreamHandler {

        final Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        final List<String> deadLettered = new CopyOnWriteArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        private final Function<Envelope, Uni<Void>> behaviour;

        Recorder() {
            this(envelope -> Uni.createFrom().voidItem());
        }

        Recorder(Function<Envelope, Uni<Void>> behaviour) {
            this.behaviour = behaviour;
        }

        @Override
        public Uni<Void> handle(Delivery delivery) {
            calls.incrementAndGet();
            seen.computeIfAbsent(delivery.entryId(), id -> new CopyOnWriteArrayList<>()).add(delivery.deliveries());
            return behaviour.apply(delivery.envelope());
        }

        @Override
        public Uni<Void> deadLettered(Delivery delivery, String reason) {
            deadLettered.add(delivery.entryId());
            return Uni.createFrom().voidItem();
        }

        int deliveries(String id) {
            return seen.getOrDefault(id, List.of()).size();
        }

        List<Integer> attempts(String id) {
            return seen.getOrDefault(id, List.of());
        }
    }
}
