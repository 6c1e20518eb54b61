package io.zhiyue.streams.tail;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.stream.StreamId;
import io.zhiyue.streams.support.Envelopes;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The tail reader sees every entry in order, from a saved position or from the end, malformed ones as null. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class TailReaderTest {

    @Inject
    StreamTails tails;
    @Inject
    RedisDataSource redis;

    @Test
    void readsEverythingAfterASavedPositionInOrderThenKeepsUp() {
        String stream = Envelopes.uniqueStream();
        String first = add(stream, Envelopes.note("t1", "before the position"));
        add(stream, Envelopes.note("t2", "after it"));
        redis.execute("XADD", stream, "*", "not", "an envelope");
        add(stream, Envelopes.note("t3", "after it too"));
        List<String> seen = new CopyOnWriteArrayList<>();
        List<StreamId> ids = new CopyOnWriteArrayList<>();

        TailReader reader = tails.start(stream, StreamId.parse(first), (id, envelope) -> {
            ids.add(id);
            seen.add(envelope == null ? "malformed" : envelope.key());
        });
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 3);
            add(stream, Envelopes.note("t4", "while tailing"));
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 4);

            assertThat(seen).containsExactly("t2", "malformed", "t3", "t4");
            assertThat(ids).isSorted();
            assertThat(reader.isRunning()).isTrue();
        } finally {
            tails.stop(reader);
        }
    }

    @Test
    void startsAtTheEndWhenNoPositionIsGiven() {
        String stream = Envelopes.uniqueStream();
        add(stream, Envelopes.note("old", "before the reader started"));
        List<String> seen = new CopyOnWriteArrayList<>();
        List<StreamId> starts = new ArrayList<>();

        TailReader reader = tails.start(stream, new TailListener() {
            @Override
            public void onEntry(StreamId id, Envelope envelope) {
                seen.add(envelope.key());
            }

            @Override
            public void onStart(StreamId position) {
                starts.add(position);
            }
        });
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> reader.lastRead().isPresent());
            add(stream, Envelopes.note("new", "after it started"));
            await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
            assertThat(seen).containsExactly("new");
            assertThat(starts).hasSize(1);
        } finally {
            tails.stop(reader);
        }
    }

    private String add(String stream, Envelope envelope) {
        List<String> args = new ArrayList<>(List.of(stream, "*"));
        envelope.toFields().forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        return redis.execute("XADD", args.toArray(new String[0])).toString();
    }
}
