package io.zhiyue.gateway.ws;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionOutboxTest {

    /** A client whose sends complete only when the test says so. */
    static final class SlowTransport implements ConnectionOutbox.Transport {
        final List<String> sent = new ArrayList<>();
        final List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        String closedWith;

        @Override
        public synchronized CompletionStage<?> send(String text) {
            sent.add(text);
            CompletableFuture<Void> future = new CompletableFuture<>();
            inFlight.add(future);
            return future;
        }

        @Override
        public synchronized void close(String reason) {
            closedWith = reason;
        }

        /** Completes sends until nothing is in flight any more. */
        void drainAll() {
            while (true) {
                CompletableFuture<Void> next;
                synchronized (this) {
                    next = inFlight.stream().filter(f -> !f.isDone()).findFirst().orElse(null);
                }
                if (next == null) {
                    return;
                }
                next.complete(null);
            }
        }

        synchronized List<String> sent() {
            return List.copyOf(sent);
        }
    }

    private static OutboundMessage progress(String channel, String text) {
        return new OutboundMessage(OutboundMessage.Kind.PROGRESS, channel, text);
    }

    private static OutboundMessage finalProgress(String channel, String text) {
        return new OutboundMessage(OutboundMessage.Kind.FINAL_PROGRESS, channel, text);
    }

    private static OutboundMessage stateChange(String channel, String text) {
        return OutboundMessage.essential(channel, text);
    }

    @Test
    void sendsOneMessageAtATimeInOrder() {
        SlowTransport client = new SlowTransport();
        ConnectionOutbox outbox = new ConnectionOutbox(client, 8, 16);

        outbox.offer(stateChange("job:a", "s1"));
        outbox.offer(stateChange("job:a", "s2"));
        outbox.offer(stateChange("job:a", "s3"));

        assertThat(client.sent()).containsExactly("s1");
        assertThat(outbox.size()).isEqualTo(2);
        client.drainAll();
        assertThat(client.sent()).containsExactly("s1", "s2", "s3");
        assertThat(outbox.size()).isZero();
    }

    @Test
    void staysBoundedByKeepingOnlyTheNewestIntermediateProgressPerChannel() {
        SlowTransport client = new SlowTransport();
        ConnectionOutbox outbox = new ConnectionOutbox(client, 4, 8);

        for (int i = 1; i <= 50; i++) {
            assertThat(outbox.offer(progress("job:a", "a" + i))).isEqualTo(ConnectionOutbox.Offer.QUEUED);
            assertThat(outbox.size()).isLessThanOrEqualTo(4);
        }
        client.drainAll();

        assertThat(client.sent()).containsExactly("a1", "a50");
        assertThat(outbox.coalescedCount()).isEqualTo(48);
        assertThat(client.closedWith).isNull();
    }

    @Test
    void neverDropsStateChangesStatusesOrFinalProgress() {
        SlowTransport client = new SlowTransport();
        ConnectionOutbox outbox = new ConnectionOutbox(client, 3, 100);

        outbox.offer(stateChange("job:a", "a-started"));
        outbox.offer(progress("job:a", "a-p1"));
        outbox.offer(progress("job:b", "b-p1"));
        outbox.offer(stateChange("job:a", "a-paused"));
        outbox.offer(progress("job:a", "a-p2"));
        outbox.offer(progress("job:b", "b-p2"));
        outbox.offer(finalProgress("job:a", "a-final"));
        outbox.offer(progress("job:b", "b-p3"));
        outbox.offer(stateChange("job:a", "a-completed"));
        outbox.offer(OutboundMessage.essential("system", "system-status"));
        client.drainAll();

        assertThat(client.sent()).containsExactly(
                "a-started", "a-paused", "a-final", "b-p3", "a-completed", "system-status");
        assertThat(client.closedWith).isNull();
    }

    @Test
    void finalProgressIsKeptEvenWhenNewerProgressFollows() {
        SlowTransport client = new SlowTransport();
        ConnectionOutbox outbox = new ConnectionOutbox(client, 2, 100);

        outbox.offer(stateChange("job:a", "first"));
        outbox.offer(finalProgress("job:a", "a-final"));
        outbox.offer(progress("job:a", "a-late-1"));
        outbox.offer(progress("job:a", "a-late-2"));
        client.drainAll();

        assertThat(client.sent()).containsExactly("first", "a-final", "a-late-2");
    }

    @Test
    void closesTheConnectionWhenEssentialMessagesOverflowTheHardLimit() {
        SlowTransport client = new SlowTransport();
        ConnectionOutbox outbox = new ConnectionOutbox(client, 2, 4);

        List<ConnectionOutbox.Offer> offers = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            offers.add(outbox.offer(stateChange("job:a", "s" + i)));
        }

        assertThat(offers).containsExactly(ConnectionOutbox.Offer.QUEUED, ConnectionOutbox.Offer.QUEUED,
                ConnectionOutbox.Offer.QUEUED, ConnectionOutbox.Offer.QUEUED, ConnectionOutbox.Offer.QUEUED,
                ConnectionOutbox.Offer.CLOSED);
        assertThat(client.closedWith).isEqualTo(ConnectionOutbox.OVERFLOW_REASON);
        assertThat(outbox.isClosed()).isTrue();
        assertThat(outbox.offer(stateChange("job:a", "later"))).isEqualTo(ConnectionOutbox.Offer.CLOSED);
        client.drainAll();
        assertThat(client.sent()).containsExactly("s1");
    }

    @Test
    void heartbeatIsSkippedWhileTheConnectionIsBusy() {
        SlowTransport client = new SlowTransport();
        ConnectionOutbox outbox = new ConnectionOutbox(client, 4, 8);

        assertThat(outbox.offer(OutboundMessage.heartbeat("hb1"))).isEqualTo(ConnectionOutbox.Offer.QUEUED);
        assertThat(outbox.offer(OutboundMessage.heartbeat("hb2"))).isEqualTo(ConnectionOutbox.Offer.SKIPPED);
        client.drainAll();
        assertThat(outbox.offer(OutboundMessage.heartbeat("hb3"))).isEqualTo(ConnectionOutbox.Offer.QUEUED);
        client.drainAll();

        assertThat(client.sent()).containsExactly("hb1", "hb3");
    }

    @Test
    void aFailedSendClosesTheOutbox() {
        SlowTransport client = new SlowTransport();
        ConnectionOutbox outbox = new ConnectionOutbox(client, 4, 8);

        outbox.offer(stateChange("job:a", "s1"));
        outbox.offer(stateChange("job:a", "s2"));
        client.inFlight.get(0).completeExceptionally(new IllegalStateException("connection reset"));

        assertThat(outbox.isClosed()).isTrue();
        assertThat(client.sent()).containsExactly("s1");
        assertThat(outbox.offer(stateChange("job:a", "s3"))).isEqualTo(ConnectionOutbox.Offer.CLOSED);
    }

    @Test
    void roomCompletesOnceTheClientCatchesUpWithoutHoldingAThread() throws Exception {
        SlowTransport client = new SlowTransport();
        ConnectionOutbox outbox = overCapacity(client);
        CompletableFuture<Boolean> room = outbox.room().toCompletableFuture();
        assertThat(room).as("still full").isNotDone();

        client.drainAll();

        assertThat(room.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(outbox.room().toCompletableFuture()).as("room now").isCompletedWithValue(true);
    }

    @Test
    void roomAnswersFalseWhenTheConnectionCloses() throws Exception {
        SlowTransport client = new SlowTransport();
        ConnectionOutbox outbox = overCapacity(client);
        CompletableFuture<Boolean> room = outbox.room().toCompletableFuture();

        outbox.close();

        assertThat(room.get(10, java.util.concurrent.TimeUnit.SECONDS)).isFalse();
    }

    /** An outbox of capacity 4 holding 5 messages for a client that has not read any. */
    private static ConnectionOutbox overCapacity(SlowTransport client) {
        ConnectionOutbox outbox = new ConnectionOutbox(client, 4, 8);
        for (int i = 0; i < 5; i++) {
            outbox.offer(stateChange("job:a", "s" + i));
        }
        return outbox;
    }
}
