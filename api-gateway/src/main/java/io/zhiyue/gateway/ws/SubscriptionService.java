package io.zhiyue.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.gateway.config.GatewayConfig;
import io.zhiyue.gateway.stream.EventsHistory;
import io.zhiyue.gateway.stream.LiveEvent;
import io.zhiyue.gateway.stream.StreamId;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Optional;

/**
 * SUBSCRIBE semantics of the live channel. Blocking (Redis history, snapshot): runs on a worker
 * thread. The subscription is registered before history is read, so nothing published in
 * between is lost; whatever arrives twice is dropped by id.
 */
@ApplicationScoped
public class SubscriptionService {

    /** How long a replay waits for a client to drain its queue before giving up on it. */
    private static final Duration REPLAY_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final ChannelHub hub;
    private final EventsHistory history;
    private final JobSnapshots snapshots;
    private final GatewayConfig config;

    SubscriptionService(ChannelHub hub, EventsHistory history, JobSnapshots snapshots, GatewayConfig config) {
        this.hub = hub;
        this.history = history;
        this.snapshots = snapshots;
        this.config = config;
    }

    /** A fresh subscription: a status with the current snapshot, then live events. */
    void subscribe(LiveSession session, String channel) {
        ChannelHub.Registration registration = hub.register(session, channel, null);
        JsonNode snapshot = snapshots.snapshotOf(channel);
        ChannelSubscription subscription = registration.subscription();
        subscription.sendFirst(ServerMessages.subscriptionStatus(channel, registration.position().orElse(null),
                ServerMessages.subscribed(snapshot)));
        subscription.goLive();
    }

    /**
     * Resume after {@code lastEventId}: replay every event of the channel the stream still holds,
     * then live; if the stream no longer reaches back that far, say so with a snapshot.
     */
    void resume(LiveSession session, String channel, StreamId lastEventId) {
        Optional<StreamId> first = history.firstId();
        Optional<StreamId> last = history.lastId();
        boolean recoverable = first.isPresent()
                && lastEventId.compareTo(first.get()) >= 0
                && lastEventId.compareTo(last.get()) <= 0;
        if (!recoverable) {
            ChannelHub.Registration registration = hub.register(session, channel, null);
            JsonNode snapshot = snapshots.snapshotOf(channel);
            registration.subscription().sendFirst(ServerMessages.subscriptionStatus(channel,
                    registration.position().orElse(null), ServerMessages.notRecovered(snapshot)));
            registration.subscription().goLive();
            return;
        }
        ChannelSubscription subscription = hub.register(session, channel, lastEventId).subscription();
        StreamId after = lastEventId;
        while (!subscription.isCancelled()) {
            EventsHistory.Page page = history.pageAfter(after, config.replayPageSize());
            for (LiveEvent event : page.events()) {
                if (!event.channel().equals(channel)) {
                    continue;
                }
                if (!session.awaitRoom(REPLAY_DRAIN_TIMEOUT)) {
                    session.disconnect(ConnectionOutbox.OVERFLOW_REASON);
                    return;
                }
                subscription.onReplayed(event);
            }
            after = page.lastRead();
            if (page.exhausted()) {
                break;
            }
        }
        subscription.goLive();
    }
}
