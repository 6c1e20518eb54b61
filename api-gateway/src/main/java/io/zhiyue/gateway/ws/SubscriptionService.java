package io.zhiyue.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.zhiyue.gateway.config.GatewayConfig;
import io.zhiyue.gateway.stream.ChannelHistoryReader;
import io.zhiyue.gateway.stream.RecentKeys;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.stream.StreamId;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * SUBSCRIBE semantics of the live channel. The subscription is registered before the snapshot is
 * fetched or history is read, so nothing published in between is lost; whatever arrives twice is
 * dropped by id. Neither a SUBSCRIBE nor a resume ever blocks a thread.
 */
@ApplicationScoped
public class SubscriptionService {

    /** How long a replay waits for a client to drain its queue before giving up on it. */
    private static final Duration REPLAY_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** Keys remembered during one replay, to skip events the outbox published twice. */
    private static final int REPLAY_KEYS = 4_096;

    private final ChannelHub hub;
    private final ChannelHistoryReader history;
    private final JobSnapshots snapshots;
    private final GatewayConfig config;

    SubscriptionService(ChannelHub hub, ChannelHistoryReader history, JobSnapshots snapshots, GatewayConfig config) {
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
     * Resume after {@code lastEventId}: replay the channel's history after it, a page at a time and at the
     * client's pace, then live; if the history no longer reaches back that far (or loses entries while
     * it is read), say so with a fresh snapshot. Never holds a thread while waiting for Redis or the client.
     */
    Uni<Void> resume(LiveSession session, String channel, StreamId lastEventId) {
        ChannelSubscription subscription = hub.register(session, channel, lastEventId).subscription();
        return replayAfter(subscription, lastEventId, new RecentKeys(REPLAY_KEYS))
                .onFailure().invoke(() -> hub.unregister(subscription));
    }

    private Uni<Void> replayAfter(ChannelSubscription subscription, StreamId after, RecentKeys replayed) {
        LiveSession session = subscription.session();
        return history.pageAfter(Channels.tenantOf(session, subscription.channel()), subscription.channel(), after,
                        config.replayPageSize())
                .chain(page -> {
                    if (subscription.isCancelled()) {
                        return Uni.createFrom().voidItem();
                    }
                    if (page.gap()) {
                        return withSnapshot(session, subscription.channel(), ServerMessages::notRecovered);
                    }
                    return deliver(subscription, page, 0, replayed).chain(delivered -> {
                        if (!delivered) {
                            return Uni.createFrom().voidItem();
                        }
                        if (page.exhausted()) {
                            subscription.goLive();
                            return Uni.createFrom().voidItem();
                        }
                        return replayAfter(subscription, page.lastRead(), replayed);
                    });
                });
    }

    /**
     * Hands the page's events from {@code from} on to the subscription, waiting (without a thread) for room
     * in the client's queue whenever it is half full. False when the client went away or stopped reading.
     */
    private Uni<Boolean> deliver(ChannelSubscription subscription, ChannelHistoryReader.Page page, int from,
            RecentKeys replayed) {
        LiveSession session = subscription.session();
        for (int i = from; i < page.events().size(); i++) {
            CompletableFuture<Boolean> room = session.room().toCompletableFuture();
            if (!room.isDone()) {
                int next = i;
                return Uni.createFrom().completionStage(room)
                        // off the thread that freed the room: it may be the fan-out, holding the routing lock
                        .emitOn(Infrastructure.getDefaultExecutor())
                        .ifNoItem().after(REPLAY_DRAIN_TIMEOUT).recoverWithItem(false)
                        .chain(ready -> {
                            if (!ready) {
                                if (!session.isClosed()) {
                                    // still connected, but it did not read for REPLAY_DRAIN_TIMEOUT
                                    session.disconnect(ConnectionOutbox.OVERFLOW_REASON);
                                }
                                return Uni.createFrom().item(false);
                            }
                            return deliver(subscription, page, next, replayed);
                        });
            }
            if (!room.join() || subscription.isCancelled()) {
                return Uni.createFrom().item(false);
            }
            if (replayed.firstTime(page.keys().get(i))) {
                subscription.onReplayed(page.events().get(i));
            }
        }
        return Uni.createFrom().item(true);
    }

    /** Registers, then sends the status with the snapshot first and goes live. */
    private Uni<Void> withSnapshot(LiveSession session, String channel, Function<JsonNode, ObjectNode> status) {
        ChannelHub.Registration registration = hub.register(session, channel, null);
        Uni<JsonNode> answered = snapshots.snapshotOf(session.identity().tenant(), channel, registration.sequence()).invoke(snapshot -> {
            if (snapshot == JobSnapshots.NOT_FOUND) {
                hub.unregister(registration.subscription());
                session.send(OutboundMessage.essential(null, ServerMessages.error(ErrorCode.RECORD_NOT_FOUND.name(),
                        "no such job", channel)));
                return;
            }
            ChannelSubscription subscription = registration.subscription();
            subscription.sendFirst(ServerMessages.subscriptionStatus(channel, registration.position().orElse(null),
                    status.apply(snapshot)));
            subscription.goLive();
        });
        return answered.onFailure().invoke(() -> hub.unregister(registration.subscription())).replaceWithVoid();
    }
}
