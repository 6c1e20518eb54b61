package io.zhiyue.streams.consumer;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.streams.support.Envelopes;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which entries a group will still process: undelivered ones and pending ones, nothing else; and up to when a live
 * consumer of a group was handed entries.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class StreamBacklogTest {

    @Inject
    StreamBacklog backlog;
    @Inject
    RedisDataSource redis;

    @Test
    void answersTheEntriesStillAheadOfOrPendingInTheGroup() {
        String stream = Envelopes.uniqueStream();
        redis.execute("XGROUP", "CREATE", stream, "g", "0", "MKSTREAM");
        String acked = redis.execute("XADD", stream, "*", "n", "1").toString();
        String pending = redis.execute("XADD", stream, "*", "n", "2").toString();
        redis.execute("XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", stream, ">");
        redis.execute("XACK", stream, "g", acked);
        String ahead = redis.execute("XADD", stream, "*", "n", "3").toString();
        String trimmed = redis.execute("XADD", stream, "*", "n", "4").toString();
        redis.execute("XDEL", stream, trimmed);

        var queued = backlog.stillQueued(stream, "g", List.of(acked, pending, ahead, trimmed, "1-0"))
                .await().atMost(Duration.ofSeconds(5));

        assertThat(queued).containsExactlyInAnyOrder(pending, ahead);
    }

    @Test
    void answersUpToWhenALiveConsumerOfTheGroupWasHandedEntries() {
        String stream = Envelopes.uniqueStream();
        redis.execute("XGROUP", "CREATE", stream, "g", "0", "MKSTREAM");
        assertThat(handedOut(stream)).as("a group without consumers").isEmpty();
        String first = redis.execute("XADD", stream, "*", "n", "1").toString();
        redis.execute("XADD", stream, "*", "n", "2");
        redis.execute("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", stream, ">");
        assertThat(handedOut(stream)).as("its only consumer has no liveness key").isEmpty();

        String alive = GroupConsumer.livenessKey(stream, "g", "c");
        redis.execute("SET", alive, "1", "PX", "60000");
        assertThat(handedOut(stream)).as("up to the first entry, handed to a live consumer")
                .hasValue(Long.parseLong(first.substring(0, first.indexOf('-'))));

        redis.execute("DEL", alive);
        assertThat(handedOut(stream)).as("its consumer's liveness lapsed (frozen or dead)").isEmpty();
        assertThat(handedOut(Envelopes.uniqueStream())).as("no stream").isEmpty();
    }

    private OptionalLong handedOut(String stream) {
        return backlog.handedOutToALiveConsumer(stream, "g").await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void aStreamThatIsGoneHoldsNothing() {
        String stream = Envelopes.uniqueStream();
        redis.execute("XGROUP", "CREATE", stream, "g", "0", "MKSTREAM");
        String published = redis.execute("XADD", stream, "*", "n", "1").toString();
        redis.execute("DEL", stream);

        var queued = backlog.stillQueued(stream, "g", List.of(published)).await().atMost(Duration.ofSeconds(5));

        assertThat(queued).isEmpty();
    }
}
