package io.zhiyue.gateway.ws;

import io.zhiyue.gateway.stream.LiveEvent;
import io.zhiyue.shared.stream.StreamId;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection listening to one channel. It starts catching up: live events are held back
 * while history (or a status) is sent, then released; anything at or below the last id sent is
 * dropped, so the client sees each event once and ids only increase.
 */
final class ChannelSubscription {

    private final String channel;
    private final String route;
    private final LiveSession session;
    private final int pendingLimit;
    private List<LiveEvent> pending = new ArrayList<>();
    private StreamId lastSent;
    private boolean cancelled;

    ChannelSubscription(String channel, String route, LiveSession session, StreamId lastSent, int pendingLimit) {
        this.channel = channel;
        this.route = route;
        this.session = session;
        this.lastSent = lastSent;
        this.pendingLimit = pendingLimit;
    }

    String channel() {
        return channel;
    }

    /** The tenant-qualified channel events are routed on (see LiveEvent.route). */
    String route() {
        return route;
    }

    LiveSession session() {
        return session;
    }

    /** Called by the events reader; never blocks. */
    synchronized void onLive(LiveEvent event) {
        if (cancelled) {
            return;
        }
        if (pending != null) {
            pending.add(event);
            if (pending.size() > pendingLimit) {
                // the client cannot keep up even before it is live: let it reconnect and resume
                cancelled = true;
                pending = null;
                session.disconnect(ConnectionOutbox.OVERFLOW_REASON);
            }
            return;
        }
        deliver(event);
    }

    /** An event read from history while catching up. */
    synchronized void onReplayed(LiveEvent event) {
        deliver(event);
    }

    /** A message that must precede everything live on this channel, such as the subscribe status. */
    synchronized void sendFirst(String text) {
        if (!cancelled) {
            session.send(OutboundMessage.essential(channel, text));
        }
    }

    /** Ends catching up: releases the held-back live events in order and delivers directly from now on. */
    synchronized void goLive() {
        if (pending == null) {
            return;
        }
        List<LiveEvent> held = pending;
        pending = null;
        for (LiveEvent event : held) {
            deliver(event);
        }
    }

    synchronized void cancel() {
        cancelled = true;
        pending = null;
    }

    synchronized boolean isCancelled() {
        return cancelled;
    }

    private void deliver(LiveEvent event) {
        if (cancelled || !event.id().isAfter(lastSent)) {
            return;
        }
        lastSent = event.id();
        session.send(OutboundMessage.of(event));
    }
}
