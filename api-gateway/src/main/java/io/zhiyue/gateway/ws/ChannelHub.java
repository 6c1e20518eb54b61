package io.zhiyue.gateway.ws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.zhiyue.gateway.config.GatewayConfig;
import io.zhiyue.gateway.security.Identity;
import io.zhiyue.gateway.stream.LiveEvent;
import io.zhiyue.shared.stream.StreamId;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes events from the reader to the subscriptions of their channel. Fan-out and
 * registration share one short lock, so a new subscription learns exactly which stream
 * position it starts after: everything later reaches it live, everything earlier is history.
 */
@ApplicationScoped
public class ChannelHub {

    private final Object routing = new Object();
    private final Map<String, Set<ChannelSubscription>> byChannel = new HashMap<>();
    static final String IDLE_REASON = "idle: nothing heard from the client, reconnect with lastEventId";

    private final Map<String, LiveSession> sessions = new ConcurrentHashMap<>();
    /** Open connections per tenant and subject. */
    private final Map<String, Integer> perUser = new ConcurrentHashMap<>();
    private final Counter refusedOverCap;
    private final Counter idleEvicted;
    private final Counter disconnects;
    private final GatewayConfig config;
    private final Counter slowClosed;
    private StreamId position;
    /** How many subscriptions were registered so far; a snapshot taken later reflects all of them. */
    private volatile long registrations;

    ChannelHub(GatewayConfig config, MeterRegistry registry) {
        this.config = config;
        registry.gaugeMapSize("zhiyue.gateway.live.connections", Tags.empty(), sessions);
        this.slowClosed = Counter.builder("zhiyue.gateway.live.slow.closed")
                .description("live connections closed because they fell too far behind")
                .register(registry);
        this.refusedOverCap = Counter.builder("zhiyue.gateway.live.refused")
                .description("live connections refused because their user held too many").register(registry);
        this.idleEvicted = Counter.builder("zhiyue.gateway.live.idle.evicted")
                .description("live connections closed because the client went silent").register(registry);
        this.disconnects = Counter.builder("zhiyue.gateway.live.disconnects")
                .description("live connections that ended, whoever closed them (a storm of them: the disconnect alert)")
                .register(registry);
    }

    /**
     * Fans out the events of one stream entry (one per channel it belongs to) under one lock, so a
     * subscription registered meanwhile starts after all of them or before all of them. Only
     * enqueues, never waits for a client.
     */
    public void publish(List<LiveEvent> events) {
        synchronized (routing) {
            for (LiveEvent event : events) {
                Set<ChannelSubscription> subscribers = byChannel.get(event.route());
                if (subscribers != null) {
                    for (ChannelSubscription subscription : subscribers) {
                        subscription.onLive(event);
                    }
                }
            }
            for (LiveEvent event : events) {
                advance(event.id());
            }
        }
    }

    /** Records that the reader has dispatched everything up to {@code id}. */
    public void advanceTo(StreamId id) {
        synchronized (routing) {
            advance(id);
        }
    }

    /** The last zhiyue:events entry dispatched, if any. */
    public Optional<StreamId> position() {
        synchronized (routing) {
            return Optional.ofNullable(position);
        }
    }

    /**
     * Registers a new connection, or answers empty when its user already holds
     * {@code max-connections-per-user} of them (counted per tenant and subject on this replica).
     */
    Optional<LiveSession> open(String connectionId, Identity identity, ConnectionOutbox.Transport transport) {
        String user = userOf(identity);
        int held = perUser.merge(user, 1, Integer::sum);
        if (held > config.maxConnectionsPerUser()) {
            perUser.merge(user, -1, ChannelHub::decrement);
            refusedOverCap.increment();
            return Optional.empty();
        }
        ConnectionOutbox.Transport counted = new ConnectionOutbox.Transport() {
            @Override
            public java.util.concurrent.CompletionStage<?> send(String text) {
                return transport.send(text);
            }

            @Override
            public void close(String reason) {
                if (ConnectionOutbox.OVERFLOW_REASON.equals(reason)) {
                    slowClosed.increment();
                }
                transport.close(reason);
            }
        };
        LiveSession session = new LiveSession(connectionId, identity, counted, config.outboxCapacity(),
                config.effectiveOutboxHardLimit());
        sessions.put(connectionId, session);
        return Optional.of(session);
    }

    /** The key a user's connections are counted under: tenant and subject. */
    private static String userOf(Identity identity) {
        return identity.tenant() + " " + identity.subject();
    }

    private static Integer decrement(Integer held, Integer minusOne) {
        int left = held + minusOne;
        return left <= 0 ? null : left;
    }

    /**
     * One heartbeat slot: every connection of slot {@code slot} (of {@code slots}) that sent nothing (no
     * message, no pong) since {@code idleCutoffNanos} is closed, every other one gets {@code heartbeat}.
     * Spread over slots, 10,000 connections never get their heartbeats in one burst that would hold up events.
     */
    void heartbeat(int slot, int slots, OutboundMessage heartbeat, long idleCutoffNanos) {
        for (LiveSession session : sessions.values()) {
            if (session.heartbeatSlot(slots) != slot) {
                continue;
            }
            if (session.lastHeardNanos() - idleCutoffNanos < 0) {
                idleEvicted.increment();
                session.disconnect(IDLE_REASON);
            } else {
                session.send(heartbeat);
            }
        }
    }

    Optional<LiveSession> session(String connectionId) {
        return Optional.ofNullable(sessions.get(connectionId));
    }

    void close(String connectionId) {
        LiveSession session;
        synchronized (routing) {
            // under the routing lock, so a concurrent register sees the session gone
            session = sessions.remove(connectionId);
        }
        if (session == null) {
            return;
        }
        disconnects.increment();
        perUser.merge(userOf(session.identity()), -1, ChannelHub::decrement);
        session.close();
        for (ChannelSubscription subscription : session.subscriptions().values()) {
            drop(subscription);
        }
        session.subscriptions().clear();
    }

    /**
     * Adds a subscription that starts catching up, replacing any earlier one of the session for
     * the same channel. Answers the stream position it starts after (empty: nothing dispatched yet).
     */
    Registration register(LiveSession session, String channel, StreamId resumeAfter) {
        synchronized (routing) {
            StreamId startsAfter = resumeAfter != null ? resumeAfter : position;
            ChannelSubscription subscription = new ChannelSubscription(channel, Channels.route(session, channel), session,
                    startsAfter,
                    config.effectiveOutboxHardLimit() * 4);
            if (session.isClosed() || !sessions.containsKey(session.id())) {
                // the socket closed while this SUBSCRIBE was on its way: a cancelled subscription
                // that is never routed to, so nothing leaks
                subscription.cancel();
                return new Registration(subscription, Optional.ofNullable(position), registrations);
            }
            ChannelSubscription previous = session.subscriptions().put(channel, subscription);
            if (previous != null) {
                previous.cancel();
                removeFromChannel(previous);
            }
            byChannel.computeIfAbsent(subscription.route(), key -> new LinkedHashSet<>()).add(subscription);
            registrations++;
            return new Registration(subscription, Optional.ofNullable(position), registrations);
        }
    }

    void unregister(LiveSession session, String channel) {
        ChannelSubscription subscription = session.subscriptions().remove(channel);
        if (subscription != null) {
            drop(subscription);
        }
    }

    /** Removes exactly this subscription (a newer one of the session for the same channel stays). */
    void unregister(ChannelSubscription subscription) {
        subscription.session().subscriptions().remove(subscription.channel(), subscription);
        drop(subscription);
    }

    int subscriptionCount(LiveSession session) {
        return session.subscriptions().size();
    }

    private void drop(ChannelSubscription subscription) {
        subscription.cancel();
        synchronized (routing) {
            removeFromChannel(subscription);
        }
    }

    private void removeFromChannel(ChannelSubscription subscription) {
        Set<ChannelSubscription> subscribers = byChannel.get(subscription.route());
        if (subscribers != null) {
            subscribers.remove(subscription);
            if (subscribers.isEmpty()) {
                byChannel.remove(subscription.route());
            }
        }
    }

    private void advance(StreamId id) {
        if (id.isAfter(position)) {
            position = id;
        }
    }

    /** The number of subscriptions registered so far (see {@link Registration#sequence()}). */
    long registrations() {
        return registrations;
    }

    /**
     * A new subscription, the stream position the reader had reached when it was added, and its
     * place among all registrations: state read after {@code registrations() >= sequence} is no
     * older than the subscription, so every later change reaches it as a live event.
     */
    record Registration(ChannelSubscription subscription, Optional<StreamId> position, long sequence) {
    }
}
