package io.zhiyue.gateway.ws;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The outbound queue of one live connection, drained one send at a time. Producers (the events
 * reader, heartbeats, replies) only ever enqueue, so a slow client cannot hold them up. When more
 * than {@code capacity} messages wait, intermediate progress is coalesced to the newest per
 * channel; state changes, statuses and final progress are never dropped. If the queue still
 * exceeds {@code hardLimit} the connection is closed; the client resumes with lastEventId.
 */
public final class ConnectionOutbox {

    public static final String OVERFLOW_REASON = "slow consumer: outbound queue overflow, reconnect with lastEventId";

    /** Where messages go; both calls must return without blocking. */
    public interface Transport {
        CompletionStage<?> send(String text);

        void close(String reason);
    }

    public enum Offer {
        QUEUED,
        /** Not queued because it was useless (a heartbeat on a busy connection). */
        SKIPPED,
        /** The outbox is closed, possibly by this very offer. */
        CLOSED
    }

    private final Transport transport;
    private final int capacity;
    private final int hardLimit;
    private final Deque<OutboundMessage> queue = new ArrayDeque<>();
    private final List<CompletableFuture<Boolean>> roomWaiters = new ArrayList<>();
    private boolean sending;
    private boolean closed;
    private long coalesced;

    public ConnectionOutbox(Transport transport, int capacity, int hardLimit) {
        if (capacity < 1 || hardLimit < capacity) {
            throw new IllegalArgumentException("need 1 <= capacity <= hardLimit");
        }
        this.transport = transport;
        this.capacity = capacity;
        this.hardLimit = hardLimit;
    }

    public Offer offer(OutboundMessage message) {
        boolean overflow;
        synchronized (this) {
            if (closed) {
                return Offer.CLOSED;
            }
            if (message.kind() == OutboundMessage.Kind.HEARTBEAT && (sending || !queue.isEmpty())) {
                return Offer.SKIPPED;
            }
            queue.addLast(message);
            if (queue.size() > capacity) {
                coalesce();
            }
            overflow = queue.size() > hardLimit;
            if (overflow) {
                closeQuietly();
            }
        }
        if (overflow) {
            transport.close(OVERFLOW_REASON);
            return Offer.CLOSED;
        }
        drain();
        return Offer.QUEUED;
    }

    /** Stops sending and forgets what is queued; for connections that are gone. */
    public synchronized void close() {
        closeQuietly();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Messages waiting, not counting the one being sent. */
    public synchronized int size() {
        return queue.size();
    }

    /** Intermediate progress messages dropped because a newer one superseded them. */
    public synchronized long coalescedCount() {
        return coalesced;
    }

    /**
     * Completes with true once fewer than half of {@code capacity} messages wait (at once if they do
     * now), with false if the outbox closes first: a replay of history paces itself on it without
     * holding a thread. Completed outside the outbox's lock.
     */
    public CompletionStage<Boolean> room() {
        synchronized (this) {
            if (closed) {
                return CompletableFuture.completedFuture(false);
            }
            if (queue.size() < roomTarget()) {
                return CompletableFuture.completedFuture(true);
            }
            CompletableFuture<Boolean> waiter = new CompletableFuture<>();
            roomWaiters.add(waiter);
            return waiter;
        }
    }

    /** Newest first: keep the first progress seen per channel, drop older intermediate ones. */
    private void coalesce() {
        Set<String> channelsWithNewerProgress = new HashSet<>();
        Iterator<OutboundMessage> newestFirst = queue.descendingIterator();
        while (newestFirst.hasNext()) {
            OutboundMessage message = newestFirst.next();
            if (message.kind() == OutboundMessage.Kind.HEARTBEAT) {
                newestFirst.remove();
            } else if (message.isProgress() && !channelsWithNewerProgress.add(message.channel())
                    && message.kind() == OutboundMessage.Kind.PROGRESS) {
                newestFirst.remove();
                coalesced++;
            }
        }
    }

    private void drain() {
        while (true) {
            OutboundMessage next;
            List<CompletableFuture<Boolean>> released;
            synchronized (this) {
                if (sending || closed) {
                    return;
                }
                next = queue.pollFirst();
                released = queue.size() < roomTarget() ? takeWaiters() : List.of();
                if (next != null) {
                    sending = true;
                }
            }
            released.forEach(waiter -> waiter.complete(true));
            if (next == null) {
                return;
            }
            CompletableFuture<?> sent;
            try {
                sent = transport.send(next.text()).toCompletableFuture();
            } catch (RuntimeException e) {
                failed();
                return;
            }
            if (sent.isDone() && !sent.isCompletedExceptionally()) {
                synchronized (this) {
                    sending = false;
                }
                continue;
            }
            sent.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    failed();
                } else {
                    synchronized (this) {
                        sending = false;
                    }
                    drain();
                }
            });
            return;
        }
    }

    private void failed() {
        synchronized (this) {
            closeQuietly();
        }
        transport.close("send failed");
    }

    /** Under the lock; waiters for room learn of the close from the executor, outside it. */
    private void closeQuietly() {
        closed = true;
        sending = false;
        queue.clear();
        if (!roomWaiters.isEmpty()) {
            List<CompletableFuture<Boolean>> waiters = takeWaiters();
            CompletableFuture.runAsync(() -> waiters.forEach(waiter -> waiter.complete(false)));
        }
    }

    private int roomTarget() {
        return Math.max(1, capacity / 2);
    }

    private List<CompletableFuture<Boolean>> takeWaiters() {
        if (roomWaiters.isEmpty()) {
            return List.of();
        }
        List<CompletableFuture<Boolean>> waiters = new ArrayList<>(roomWaiters);
        roomWaiters.clear();
        return waiters;
    }
}
