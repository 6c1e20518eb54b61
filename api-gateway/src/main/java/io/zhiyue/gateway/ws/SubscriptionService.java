package io.zhiyue.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.zhiyue.gateway.config.GatewayConfig;
import io.zhiyue.gateway.stream.LiveEvent;
import io.zhiyue.gateway.stream.RecentKeys;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.stream.StreamId;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.tail.StreamHistory;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * SUBSCRIBE semantics of the live channel. The subscription is registered before the snapshot is
 * fetched or history is read, so nothing published in between is lost; whatever arrives twice is
 * dropped by id. A plain SUBSCRIBE never blocks a thread; a resume reads Redis history on a
 * worker thread.
 */
@ApplicationScoped
public class SubscriptionService {

    /** How long a replay waits for a client to drain its queue before giving up on it. */
    private static final Duration REPLAY_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** Keys remembered during one replay, to skip events the outbox published twice. */
    private static final int REPLAY_KEYS = 4_096;

    private final ChannelHub hub;
    private final StreamHistory history;
    private final JobSnapshots snapshots;
    private final GatewayConfig config;

    SubscriptionService(ChannelHub hub, StreamHistory history, JobSnapshots snapshots, GatewayConfig config) {
        this.hub = hub;
        this.history = history;
        this.snapshots = snapshots;
        this.config = config;
    }

    /** A fresh subscription: a status with the current snapshot, then live events. */
    Uni<Void> subscribe(LiveSession session, String channel) {
        return withSnapshot(session, channel, ServerMessages::subscribed);
    }

    /**
     * Resume after {@code lastEventId}: replay every event of the channel the stream still holds,
     * then live; if the stream no longer reaches back that far, say so with a snapshot.
     */
    Uni<Void> resume(LiveSession session, String channel, StreamId lastEventId) {
        return Uni.createFrom().item(() -> isRecoverable(lastEventId))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(recoverable -> recoverable
                        ? Uni.createFrom().<Void>item(() -> {
                            replay(session, channel, lastEventId);
                            return null;
                        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                        : withSnapshot(session, channel, ServerMessages::notRecovered));
    }

    /** Registers, then sends the status with the snapshot first and goes live. */
    private Uni<Void> withSnapshot(LiveSession session, String channel, Function<JsonNode, ObjectNode> status) {
        ChannelHub.Registration registration = hub.register(session, channel, null);
        return snapshots.snapshotOf(session.identity().tenant(), channel, registration.sequence()).invoke(snapshot -> {
            if (snapshot == JobSnapshots.NOT_FOUND) {
                hub.unregister(session, channel);
                session.send(OutboundMessage.essential(null, ServerMessages.error(ErrorCode.RECORD_NOT_FOUND.name(),
                        "no such job", channel)));
                return;
            }
            ChannelSubscription subscription = registration.subscription();
            subscription.sendFirst(ServerMessages.subscriptionStatus(channel, registration.position().orElse(null),
                    status.apply(snapshot)));
            subscription.goLive();
        }).replaceWithVoid();
    }

    /** Whether the stream still holds everything after {@code lastEventId}. Blocking. */
    private boolean isRecoverable(StreamId lastEventId) {
        Optional<StreamId> first = history.firstId(Streams.EVENTS);
        Optional<StreamId> last = history.lastId(Streams.EVENTS);
        return first.isPresent()
                && lastEventId.compareTo(first.get()) >= 0
                && lastEventId.compareTo(last.get()) <= 0;
    }

    /** Replays the channel's events after {@code lastEventId}, then goes live. Blocking. */
    private void replay(LiveSession session, String channel, StreamId lastEventId) {
        ChannelSubscription subscription = hub.register(session, channel, lastEventId).subscription();
        RecentKeys replayed = new RecentKeys(REPLAY_KEYS);
        StreamId after = lastEventId;
        while (!subscription.isCancelled()) {
            StreamHistory.Page page = history.pageAfter(Streams.EVENTS, after, config.replayPageSize());
            for (StreamHistory.Entry entry : page.entries()) {
                Optional<LiveEvent> event = LiveEvent.of(entry.id(), entry.envelope()).stream()
                        .filter(candidate -> candidate.route().equals(subscription.route())).findFirst();
                if (event.isEmpty() || !replayed.firstTime(entry.envelope().key())) {
                    continue;
                }
                if (!session.awaitRoom(REPLAY_DRAIN_TIMEOUT)) {
                    session.disconnect(ConnectionOutbox.OVERFLOW_REASON);
                    return;
                }
                subscription.onReplayed(event.get());
            }
            after = page.lastRead();
            if (page.exhausted()) {
                break;
            }
        }
        subscription.goLive();
    }
}
