package io.zhiyue.streams.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.vertx.mutiny.redis.client.Response;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.config.StreamsConfig;
import io.zhiyue.streams.trace.TraceContext;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N workers on one consumer group of one stream. Each worker takes one entry at a time and
 * acknowledges it only after the handler's Uni completes.
 *
 * <p>Liveness, not idle time, decides when an entry changes hands. A keeper thread renews this
 * consumer's liveness key every heartbeat and resets the idle time of every entry it holds, so a
 * slow but live consumer keeps its work. Entries of a consumer whose liveness key expired are
 * taken over within seconds; idle-time reclaim (XAUTOCLAIM after {@code reclaim-idle}) is only
 * the last resort for an entry nobody refreshes. A failed entry is retried with a growing pause
 * and dead-lettered to {@code <stream>:dlq} when it has been delivered {@code max-deliveries}
 * times. Entries trimmed from the stream while pending are acknowledged and counted; dead
 * consumers that hold nothing are removed from the group. On shutdown the workers finish the
 * entry in hand; everything else stays pending, and the liveness key is deleted so other
 * consumers take it over at once.
 */
public final class GroupConsumer {

    private static final Logger LOG = Logger.getLogger(GroupConsumer.class);
    private static final int CLAIM_PAGE = 100;
    private static final long LAG_CAP = 10_000;
    private static final Duration HOUSEKEEPING_INTERVAL = Duration.ofSeconds(5);

    private final String stream;
    private final String group;
    private final String consumer;
    private final int workerCount;
    private final StreamHandler handler;
    private final RedisDataSource redis;
    private final StreamCommands<String, String, String> streams;
    private final StreamsConfig config;
    private final Tracer tracer;

    /** Entries this consumer owns and has not finished: in a handler, queued, or waiting for a retry. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    /** Entries taken over from dead consumers or due for a retry, for the workers to run. */
    private final BlockingQueue<Taken> taken = new LinkedBlockingQueue<>();
    /** Failed entries: id → when to try again. */
    private final Map<String, Long> retryAt = new ConcurrentHashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private Thread keeper;
    private volatile boolean running;
    private volatile boolean keeperRunning;
    private volatile Instant lastPoll = Instant.now();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong lag = new AtomicLong();

    private final Counter delivered;
    private final Counter processed;
    private final Counter failed;
    private final Counter reclaimed;
    private final Counter deadLettered;
    private final Counter trimmed;

    GroupConsumer(String stream, String group, String consumer, int workerCount, StreamHandler handler,
            RedisDataSource redis, StreamsConfig config, Tracer tracer, MeterRegistry registry) {
        this.stream = stream;
        this.group = group;
        this.consumer = consumer;
        this.workerCount = workerCount;
        this.handler = handler;
        this.redis = redis;
        this.streams = redis.stream(String.class);
        this.config = config;
        this.tracer = tracer;
        Tags tags = Tags.of("stream", stream, "group", group);
        this.delivered = Counter.builder("zhiyue.stream.consumer.deliveries")
                .description("entries handed to the handler, redeliveries included").tags(tags).register(registry);
        this.processed = Counter.builder("zhiyue.stream.consumer.processed")
                .description("entries handled and acknowledged").tags(tags).register(registry);
        this.failed = Counter.builder("zhiyue.stream.consumer.failed").tags(tags).register(registry);
        this.reclaimed = Counter.builder("zhiyue.stream.consumer.reclaimed")
                .description("entries taken over from dead or silent consumers").tags(tags).register(registry);
        this.deadLettered = Counter.builder("zhiyue.stream.consumer.dead.lettered").tags(tags).register(registry);
        this.trimmed = Counter.builder("zhiyue.stream.consumer.trimmed")
                .description("pending entries trimmed from the stream before they were processed").tags(tags)
                .register(registry);
        Gauge.builder("zhiyue.stream.consumer.pending", pending, AtomicLong::get).tags(tags).register(registry);
        Gauge.builder("zhiyue.stream.consumer.lag", lag, AtomicLong::get)
                .description("entries not yet delivered to the group (counted up to 10000)").tags(tags)
                .register(registry);
        Gauge.builder("zhiyue.stream.consumer.held", held, Set::size).tags(tags).register(registry);
    }

    public String stream() {
        return stream;
    }

    public String group() {
        return group;
    }

    public String consumer() {
        return consumer;
    }

    /** Entries pending in the group (all consumers), as of the last housekeeping round. */
    public long pending() {
        return pending.get();
    }

    /** Entries not yet delivered to the group, as of the last housekeeping round (capped at 10,000). */
    public long lag() {
        return lag.get();
    }

    void start() {
        createGroup();
        heartbeat();
        running = true;
        keeperRunning = true;
        for (int i = 0; i < workerCount; i++) {
            workers.add(Thread.ofPlatform().name(group + "-worker-" + i).start(this::workLoop));
        }
        keeper = Thread.ofPlatform().name(group + "-keeper").start(this::keepLoop);
        LOG.infof("consumer %s joined group %s of %s with %d workers", consumer, group, stream, workerCount);
    }

    /** Finishes the entries in hand, then leaves: what is still pending is taken over by others at once. */
    void stop(Duration grace) {
        running = false;
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread worker : workers) {
            join(worker, deadline);
        }
        keeperRunning = false;
        join(keeper, deadline);
        try {
            redis.execute("EVAL", ConsumerScripts.LEAVE, "2", stream, livenessKey(consumer), group, consumer);
        } catch (RuntimeException e) {
            LOG.warnf("consumer %s could not leave group %s cleanly: %s", consumer, group, e.getMessage());
        }
        LOG.infof("consumer %s left group %s of %s", consumer, group, stream);
    }

    /** Every thread alive, and the workers polled the stream recently. */
    public boolean healthy(Duration maxSilence) {
        if (!running || keeper == null || !keeper.isAlive()) {
            return false;
        }
        for (Thread worker : workers) {
            if (!worker.isAlive()) {
                return false;
            }
        }
        return workerCount == 0 || lastPoll.isAfter(Instant.now().minus(maxSilence));
    }

    // ---- workers ------------------------------------------------------------------------------

    private void workLoop() {
        XReadGroupArgs read = new XReadGroupArgs().count(1).block(config.readBlock());
        while (running) {
            try {
                Taken next = taken.poll();
                if (next != null) {
                    process(next.entry(), next.deliveries());
                    continue;
                }
                List<StreamMessage<String, String, String>> messages =
                        streams.xreadgroup(group, consumer, stream, ">", read);
                lastPoll = Instant.now();
                for (StreamMessage<String, String, String> message : messages) {
                    held.add(message.id());
                    process(new StreamEntry(message.id(), message.payload()), 1);
                }
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warnf("reading %s as %s failed: %s", stream, group, e.getMessage());
                    recreateGroupIfLost(e);
                    pause(config.readBlock());
                }
            }
        }
    }

    private void process(StreamEntry entry, int deliveries) {
        if (entry.trimmed()) {
            acknowledgeTrimmed(entry.id());
            return;
        }
        if (deliveries > config.maxDeliveries()) {
            deadLetter(entry, deliveries - 1, "delivered " + (deliveries - 1) + " times without success");
            return;
        }
        Envelope envelope;
        try {
            envelope = Envelope.fromFields(entry.fields());
        } catch (IllegalArgumentException e) {
            deadLetter(entry, deliveries, "malformed entry: " + e.getMessage());
            return;
        }
        Span span = tracer.spanBuilder(stream + " process")
                .setParent(TraceContext.extract(envelope.traceparent()))
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "redis")
                .setAttribute("messaging.destination.name", stream)
                .setAttribute("messaging.consumer.group.name", group)
                .setAttribute("messaging.message.id", entry.id())
                .setAttribute("messaging.message.delivery_count", (long) deliveries)
                .startSpan();
        String traceparent = TraceContext.traceparentOf(span.getSpanContext());
        Delivery delivery = new Delivery(stream, entry.id(), envelope, deliveries,
                traceparent != null ? traceparent : envelope.traceparent());
        delivered.increment();
        // the log lines of this delivery name its trace (this worker thread is no Vert.x context, where
        // Quarkus fills them itself)
        if (span.getSpanContext().isValid()) {
            MDC.put("traceId", span.getSpanContext().getTraceId());
            MDC.put("spanId", span.getSpanContext().getSpanId());
        }
        try (Scope ignored = span.makeCurrent()) {
            handler.handle(delivery).await().atMost(config.processTimeout());
            streams.xack(stream, group, entry.id());
            held.remove(entry.id());
            processed.increment();
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.getMessage());
            failed.increment();
            scheduleRetry(entry.id(), deliveries, e);
        } finally {
            span.end();
            MDC.remove("traceId");
            MDC.remove("spanId");
        }
    }

    /** The entry stays held (its idle time keeps being reset) until its retry is due. */
    private void scheduleRetry(String id, int deliveries, RuntimeException cause) {
        long pauseMillis = config.retryBackoff().toMillis() << Math.min(deliveries - 1, 10);
        LOG.errorf(cause, "%s entry %s failed on delivery %d of %d; retrying in %d ms", stream, id, deliveries,
                config.maxDeliveries(), pauseMillis);
        retryAt.put(id, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMillis));
    }

    // ---- keeper -------------------------------------------------------------------------------

    private void keepLoop() {
        long nextReclaim = 0;
        long nextHousekeeping = 0;
        long nextDeadSweep = System.nanoTime() + config.reclaimIdle().toNanos();
        while (keeperRunning) {
            try {
                heartbeat();
                if (running) {
                    long now = System.nanoTime();
                    retryDue(now);
                    if (now >= nextReclaim) {
                        reclaimFromDeadConsumers();
                        reclaimIdle();
                        nextReclaim = now + config.reclaimInterval().toNanos();
                    }
                    if (now >= nextHousekeeping) {
                        acknowledgeOwnOrphans();
                        measure();
                        nextHousekeeping = now + HOUSEKEEPING_INTERVAL.toNanos();
                    }
                    if (now >= nextDeadSweep) {
                        removeDeadConsumers();
                        nextDeadSweep = now + config.reclaimIdle().toNanos();
                    }
                }
            } catch (RuntimeException e) {
                if (keeperRunning) {
                    LOG.warnf("keeping group %s of %s failed: %s", group, stream, e.getMessage());
                    recreateGroupIfLost(e);
                }
            }
            pause(config.heartbeatInterval());
        }
    }

    private void heartbeat() {
        List<String> args = new ArrayList<>(List.of(ConsumerScripts.HEARTBEAT, "2", stream, livenessKey(consumer),
                group, consumer, Long.toString(config.livenessTtl().toMillis())));
        args.addAll(held);
        Response lost = redis.execute("EVAL", args.toArray(new String[0]));
        for (int i = 0; lost != null && i < lost.size(); i++) {
            String id = lost.get(i).toString();
            // acknowledged meanwhile (then it is done), or taken over while this process stalled
            if (retryAt.remove(id) != null) {
                held.remove(id);
            }
        }
    }

    private void retryDue(long now) {
        for (Map.Entry<String, Long> retry : retryAt.entrySet()) {
            if (retry.getValue() > now || !retryAt.remove(retry.getKey(), retry.getValue())) {
                continue;
            }
            String id = retry.getKey();
            try {
                Response claimed = redis.execute("EVAL", ConsumerScripts.CLAIM_OWN, "1", stream, group, consumer, id);
                if (claimed == null || claimed.size() < 2) {
                    held.remove(id);
                    continue;
                }
                int deliveries = claimed.get(0).toInteger();
                offer(claimed.get(1) == null ? new StreamEntry(id, null) : StreamEntry.parse(claimed.get(1)),
                        deliveries);
            } catch (RuntimeException e) {
                // Redis did not answer: the entry stays held and is tried again, never forgotten
                retryLater(id);
                throw e;
            }
        }
    }

    /** The entry is still ours but could not be settled now: try again after a pause. */
    private void retryLater(String id) {
        retryAt.put(id, System.nanoTime() + config.retryBackoff().toNanos() * 4);
    }

    /** Takes over the entries of consumers whose liveness key expired. */
    private void reclaimFromDeadConsumers() {
        Response summary = redis.execute("XPENDING", stream, group);
        if (summary == null || summary.size() < 4 || summary.get(3) == null) {
            return;
        }
        Response owners = summary.get(3);
        for (int i = 0; i < owners.size() && spareWorkers() > 0; i++) {
            String owner = owners.get(i).get(0).toString();
            if (owner.equals(consumer) || isAlive(owner)) {
                continue;
            }
            Response entries = redis.execute("XPENDING", stream, group, "IDLE",
                    Long.toString(config.livenessTtl().toMillis()), "-", "+", Integer.toString(spareWorkers()), owner);
            for (int j = 0; entries != null && j < entries.size(); j++) {
                Response pendingEntry = entries.get(j);
                claim(pendingEntry.get(0).toString(), pendingEntry.get(3).toInteger() + 1,
                        config.livenessTtl(), "consumer " + owner + " is dead");
            }
        }
    }

    /**
     * Claims one entry; the min-idle time makes sure two reclaimers never both get it and a
     * refreshed entry is never taken.
     */
    private void claim(String id, int deliveries, Duration minIdle, String why) {
        Response claimed = redis.execute("XCLAIM", stream, group, consumer, Long.toString(minIdle.toMillis()), id);
        if (claimed == null || claimed.size() == 0) {
            return;
        }
        reclaimed.increment();
        LOG.infof("took over %s entry %s (delivery %d): %s", stream, id, deliveries, why);
        StreamEntry entry = claimed.get(0) == null ? new StreamEntry(id, null) : StreamEntry.parse(claimed.get(0));
        offer(entry, deliveries);
    }

    /** The last resort: entries nobody refreshed for {@code reclaim-idle}, whoever holds them. */
    private void reclaimIdle() {
        String cursor = "0-0";
        do {
            if (spareWorkers() == 0) {
                return;
            }
            Response reply = redis.execute("XAUTOCLAIM", stream, group, consumer,
                    Long.toString(config.reclaimIdle().toMillis()), cursor, "COUNT", Integer.toString(spareWorkers()),
                    "JUSTID");
            if (reply == null || reply.size() < 2) {
                return;
            }
            cursor = reply.get(0).toString();
            Response ids = reply.get(1);
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i).toString();
                if (held.contains(id)) {
                    continue;
                }
                // JUSTID kept the count; claiming it for real counts this delivery and says if it was trimmed
                Response claimed = redis.execute("EVAL", ConsumerScripts.CLAIM_OWN, "1", stream, group, consumer, id);
                if (claimed != null && claimed.size() >= 2) {
                    reclaimed.increment();
                    LOG.warnf("took over %s entry %s after %s without a heartbeat", stream, id, config.reclaimIdle());
                    offer(claimed.get(1) == null ? new StreamEntry(id, null) : StreamEntry.parse(claimed.get(1)),
                            claimed.get(0).toInteger());
                }
            }
            // Redis 7 also answers the ids of deleted entries it dropped from the pending list
            if (reply.size() > 2 && reply.get(2) != null && reply.get(2).size() > 0) {
                trimmed.increment(reply.get(2).size());
                LOG.warnf("%d pending %s entries were trimmed before they were processed", reply.get(2).size(), stream);
            }
        } while (!"0-0".equals(cursor) && running);
    }

    /** Hands a claimed entry to the workers; the keeper itself never runs a handler, so it never stalls. */
    private void offer(StreamEntry entry, int deliveries) {
        held.add(entry.id());
        taken.add(new Taken(entry, deliveries));
    }

    /** How many more entries this consumer should take over now: no more than its workers can start. */
    private int spareWorkers() {
        return Math.max(0, workerCount - taken.size());
    }

    /** Entries this consumer owns but does not hold (a claim whose reply was lost, a trimmed entry). */
    private void acknowledgeOwnOrphans() {
        // idle ones only: an entry just read by a worker is pending a moment before the worker holds it
        Response mine = redis.execute("XPENDING", stream, group, "IDLE", Long.toString(config.livenessTtl().toMillis()),
                "-", "+", Integer.toString(CLAIM_PAGE), consumer);
        for (int i = 0; mine != null && i < mine.size(); i++) {
            String id = mine.get(i).get(0).toString();
            if (held.contains(id)) {
                continue;
            }
            Response exists = redis.execute("XRANGE", stream, id, id);
            if (exists == null || exists.size() == 0) {
                acknowledgeTrimmed(id);
            } else {
                held.add(id);
                retryAt.put(id, System.nanoTime());
            }
        }
    }

    private void acknowledgeTrimmed(String id) {
        try {
            streams.xack(stream, group, id);
        } catch (RuntimeException e) {
            retryLater(id);
            return;
        }
        held.remove(id);
        trimmed.increment();
        LOG.warnf("%s entry %s was trimmed from the stream before group %s processed it; acknowledged", stream, id,
                group);
    }

    /** Dead consumers that hold nothing leave the group; one that holds entries stays until they are taken. */
    private void removeDeadConsumers() {
        Response consumers = redis.execute("XINFO", "CONSUMERS", stream, group);
        for (int i = 0; consumers != null && i < consumers.size(); i++) {
            Response info = consumers.get(i);
            String name = info.get("name").toString();
            if (name.equals(consumer) || info.get("pending").toLong() > 0
                    || info.get("idle").toLong() < config.livenessTtl().toMillis()) {
                continue;
            }
            Response removed = redis.execute("EVAL", ConsumerScripts.REMOVE_IF_DEAD_AND_EMPTY, "2", stream,
                    livenessKey(name), group, name);
            if (removed != null && removed.toInteger() == 1) {
                LOG.infof("removed dead consumer %s from group %s of %s", name, group, stream);
            }
        }
    }

    private void measure() {
        Response summary = redis.execute("XPENDING", stream, group);
        pending.set(summary == null || summary.size() == 0 ? 0 : summary.get(0).toLong());
        Response groups = redis.execute("XINFO", "GROUPS", stream);
        for (int i = 0; groups != null && i < groups.size(); i++) {
            Response info = groups.get(i);
            if (group.equals(info.get("name").toString())) {
                Response behind = redis.execute("EVAL", ConsumerScripts.LAG, "1", stream,
                        info.get("last-delivered-id").toString(), Long.toString(LAG_CAP));
                lag.set(behind == null ? 0 : behind.toLong());
            }
        }
    }

    // ---- dead letters -------------------------------------------------------------------------

    private void deadLetter(StreamEntry entry, int deliveries, String reason) {
        Envelope envelope;
        try {
            envelope = Envelope.fromFields(entry.fields());
        } catch (IllegalArgumentException malformed) {
            envelope = null;
        }
        if (envelope != null) {
            Delivery delivery = new Delivery(stream, entry.id(), envelope, deliveries, envelope.traceparent());
            try {
                handler.deadLettered(delivery, reason).await().atMost(config.processTimeout());
            } catch (RuntimeException e) {
                // the service could not record it: keep the entry and try again later
                LOG.errorf("recording dead letter %s of %s failed (%s); trying again", entry.id(), stream, e.getMessage());
                retryLater(entry.id());
                return;
            }
        }
        Map<String, String> fields = new LinkedHashMap<>(entry.fields());
        fields.put("dlqReason", reason);
        fields.put("dlqSourceId", entry.id());
        fields.put("dlqGroup", group);
        fields.put("dlqDeliveries", Integer.toString(deliveries));
        fields.put("dlqAt", Instant.now().toString());
        String dlq = Streams.deadLetter(stream);
        try {
            redis.execute("XADD", withFields(List.of(dlq, "MAXLEN", "~", Long.toString(config.maxLengthOf(dlq)), "*"),
                    fields));
            streams.xack(stream, group, entry.id());
        } catch (RuntimeException e) {
            // a second copy in the dead-letter stream is possible, a lost entry is not
            LOG.errorf("dead-lettering %s of %s failed (%s); trying again", entry.id(), stream, e.getMessage());
            retryLater(entry.id());
            return;
        }
        held.remove(entry.id());
        deadLettered.increment();
        LOG.errorf("dead-lettered %s entry %s to %s: %s", stream, entry.id(), dlq, reason);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private boolean isAlive(String owner) {
        Response exists = redis.execute("EXISTS", livenessKey(owner));
        return exists != null && exists.toInteger() == 1;
    }

    private String livenessKey(String name) {
        return livenessKey(stream, group, name);
    }

    /** The key consumer {@code name} of {@code group} renews while it lives (see the class comment). */
    static String livenessKey(String stream, String group, String name) {
        return "zhiyue:streams:alive:" + stream + ":" + group + ":" + name;
    }

    private void createGroup() {
        try {
            streams.xgroupCreate(stream, group, "0", new XGroupCreateArgs().mkstream());
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /** Redis lost the stream or the group (restart without persistence, flush): create it again. */
    private void recreateGroupIfLost(RuntimeException e) {
        if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
            LOG.warnf("consumer group %s of %s is gone; creating it again", group, stream);
            try {
                createGroup();
            } catch (RuntimeException again) {
                LOG.warnf("creating consumer group %s failed: %s", group, again.getMessage());
            }
        }
    }

    private static String[] withFields(List<String> head, Map<String, String> fields) {
        List<String> args = new ArrayList<>(head);
        fields.forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        return args.toArray(new String[0]);
    }

    private static void join(Thread thread, long deadlineNanos) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Taken(StreamEntry entry, int deliveries) {
    }
}
