package io.zhiyue.gateway.stream;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XTrimArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import io.zhiyue.gateway.support.TestTokens;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.GradingProgress;
import io.zhiyue.shared.stream.ChannelHistory;
import io.zhiyue.shared.stream.StreamId;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.publish.StreamPublisher;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-channel history next to zhiyue:events, as the publisher writes it and a resume reads it. */
@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class ChannelHistoryTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TENANT = TestTokens.TENANT;

    @Inject
    StreamPublisher publisher;

    @Inject
    ChannelHistoryReader reader;

    @Inject
    RedisDataSource redis;

    @Test
    void anEventIsAppendedToEachOfItsChannelsWithTheIdOfItsStreamEntry() {
        UUID job = UUID.randomUUID();
        UUID exam = UUID.randomUUID();
        String id = progress(job, exam, 1);
        String previous = progress(job, exam, 2);
        String next = progress(job, exam, 3);

        for (String channel : List.of("job:" + job, "exam:" + exam)) {
            List<StreamMessage<String, String, String>> history = redis.stream(String.class)
                    .xrange(ChannelHistory.key(TENANT, channel), StreamRange.of("-", "+"));
            assertThat(history).extracting(StreamMessage::id).containsExactly(id, previous, next);
            assertThat(history.get(1).payload().get(ChannelHistory.PREV)).isEqualTo(id);
            assertThat(history.get(2).payload().get(ChannelHistory.PREV)).isEqualTo(previous);
            assertThat(Envelope.fromFields(history.get(2).payload()).key()).isEqualTo("progress:" + job + ":3");
        }
        assertThat(redis.stream(String.class).xrange(Streams.EVENTS, StreamRange.of(next, next)))
                .as("the same id in zhiyue:events").hasSize(1);
        assertThat(redis.key().ttl(ChannelHistory.key(TENANT, "job:" + job))).as("histories expire").isPositive();
    }

    @Test
    void aResumeReadsItsChannelPageByPageAndNoticesEntriesTrimmedUnderIt() {
        UUID job = UUID.randomUUID();
        String channel = "job:" + job;
        String start = progress(job, UUID.randomUUID(), 0);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            ids.add(progress(job, UUID.randomUUID(), i));
        }
        progress(UUID.randomUUID(), UUID.randomUUID(), 1); // another channel's event in between changes nothing

        ChannelHistoryReader.Page first = page(channel, StreamId.parse(start), 3);
        assertThat(first.gap()).isFalse();
        assertThat(first.exhausted()).isFalse();
        assertThat(first.events()).extracting(event -> event.id().toString()).containsExactlyElementsOf(ids.subList(0, 3));
        assertThat(first.events()).allSatisfy(event -> assertThat(event.channel()).isEqualTo(channel));

        // trimmed mid-resume: the next page would silently start later than where the reader stands
        redis.stream(String.class).xtrim(ChannelHistory.key(TENANT, channel), new XTrimArgs().maxlen(2));
        StreamId standsAt = first.lastRead();
        assertThat(page(channel, standsAt, 3).gap()).isTrue();

        // a reader that had already seen the events still kept reads on without a gap
        ChannelHistoryReader.Page tail = page(channel, StreamId.parse(ids.get(3)), 3);
        assertThat(tail.gap()).isFalse();
        assertThat(tail.exhausted()).isTrue();
        assertThat(tail.events()).extracting(event -> event.id().toString()).containsExactlyElementsOf(ids.subList(4, 6));
    }

    @Test
    void aHistoryEmptiedPastTheReaderIsAGapButAQuietChannelIsNot() {
        UUID job = UUID.randomUUID();
        String channel = "job:" + job;
        String seen = progress(job, UUID.randomUUID(), 1);
        assertThat(page(channel, StreamId.parse(seen), 10).gap()).as("nothing new").isFalse();

        progress(job, UUID.randomUUID(), 2);
        redis.stream(String.class).xtrim(ChannelHistory.key(TENANT, channel), new XTrimArgs().maxlen(0));
        assertThat(page(channel, StreamId.parse(seen), 10).gap()).isTrue();

        // the next event after the emptying still links to the lost one
        String later = progress(job, UUID.randomUUID(), 3);
        assertThat(page(channel, StreamId.parse(seen), 10).gap()).isTrue();
        assertThat(page(channel, StreamId.parse(later), 10).gap()).isFalse();
    }

    @Test
    void anExpiredHistoryAnswersForRecentPositionsOnly() {
        String channel = "job:" + UUID.randomUUID();
        String recentStreamEnd = progress(UUID.randomUUID(), UUID.randomUUID(), 1);
        StreamId recent = StreamId.parse(recentStreamEnd);
        StreamId dayAndMoreAgo = new StreamId(recent.millis() - Duration.ofHours(25).toMillis(), 0);

        assertThat(page(channel, recent, 10).gap()).as("no event since: its history would exist").isFalse();
        assertThat(page(channel, dayAndMoreAgo, 10).gap()).as("older than the history's TTL").isTrue();
    }

    @Test
    void anIdBeyondTheEndOfTheStreamIsAGap() {
        String channel = "job:" + UUID.randomUUID();
        StreamId end = StreamId.parse(progress(UUID.randomUUID(), UUID.randomUUID(), 1));
        assertThat(page(channel, new StreamId(end.millis() + 60_000, 0), 10).gap()).isTrue();
    }

    private ChannelHistoryReader.Page page(String channel, StreamId after, int count) {
        return reader.pageAfter(TENANT, channel, after, count).await().atMost(WAIT);
    }

    private String progress(UUID job, UUID exam, int graded) {
        GradingProgress payload = new GradingProgress(job, exam, "EXECUTING", 100, graded, 0, 0, 0,
                BigDecimal.valueOf(graded), graded);
        return publisher.publish(Streams.EVENTS, Envelope.of(EventType.GRADING_PROGRESS, TENANT,
                "progress:" + job + ":" + graded, payload, null)).await().atMost(WAIT);
    }
}
