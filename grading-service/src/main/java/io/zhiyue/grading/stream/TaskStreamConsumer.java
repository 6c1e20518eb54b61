package io.zhiyue.grading.stream;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.PendingMessage;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.zhiyue.grading.config.GradingConfig;
import io.zhiyue.grading.service.BatchGradingService;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.GradingTaskBatch;
import io.zhiyue.shared.stream.Streams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads {@code zhiyue:grading:tasks} in consumer group {@code graders}. Each worker thread takes
 * one entry at a time and acknowledges it only after its batch is committed; a reaper reclaims
 * entries left un-acked by a dead consumer (XAUTOCLAIM) and dead-letters an entry after
 * {@value Streams#MAX_DELIVERIES} deliveries. On shutdown the workers finish the entry in hand.
 */
@ApplicationScoped
public class TaskStreamConsumer {

    private static final Duration BLOCK = Duration.ofSeconds(1);
    private static final Duration PROCESS_TIMEOUT = Duration.ofMinutes(2);

    private final StreamCommands<String, String, String> streams;
    private final BatchGradingService grading;
    private final GradingConfig config;
    private final String consumer = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private volatile Instant lastPoll = Instant.now();

    public TaskStreamConsumer(RedisDataSource redis, BatchGradingService grading, GradingConfig config) {
        this.streams = redis.stream(String.class);
        this.grading = grading;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        createGroup();
        running.set(true);
        for (int i = 0; i < config.workers(); i++) {
            threads.add(Thread.ofPlatform().name("grading-worker-" + i).start(this::workLoop));
        }
        threads.add(Thread.ofPlatform().name("grading-reaper").start(this::reapLoop));
        Log.infof("grading consumer %s started with %d workers", consumer, config.workers());
    }

    void onStop(@Observes ShutdownEvent event) {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Log.infof("grading consumer %s stopped", consumer);
    }

    public String consumerName() {
        return consumer;
    }

    private void createGroup() {
        try {
            streams.xgroupCreate(Streams.GRADING_TASKS, Streams.GRADERS_GROUP, "0", new XGroupCreateArgs().mkstream());
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    private void workLoop() {
        XReadGroupArgs args = new XReadGroupArgs().count(1).block(BLOCK);
        while (running.get()) {
            try {
                List<StreamMessage<String, String, String>> messages =
                        streams.xreadgroup(Streams.GRADERS_GROUP, consumer, Streams.GRADING_TASKS, ">", args);
                for (StreamMessage<String, String, String> message : messages) {
                    handle(message);
                }
                lastPoll = Instant.now();
            } catch (RuntimeException e) {
                if (running.get()) {
                    Log.warnf("reading %s failed: %s", Streams.GRADING_TASKS, e.getMessage());
                    recreateGroupIfLost(e);
                    pause(BLOCK);
                }
            }
        }
    }

    private void reapLoop() {
        while (running.get()) {
            pause(config.reclaimInterval());
            if (!running.get()) {
                return;
            }
            try {
                reclaim();
            } catch (RuntimeException e) {
                Log.warnf("reclaiming stuck entries failed: %s", e.getMessage());
                recreateGroupIfLost(e);
            }
        }
    }

    /** Takes over entries idle longer than the reclaim timeout, wherever they were delivered. */
    private void reclaim() {
        String cursor = "0-0";
        do {
            ClaimedMessages<String, String, String> claimed = streams.xautoclaim(Streams.GRADING_TASKS,
                    Streams.GRADERS_GROUP, consumer, config.reclaimIdle(), cursor, 10);
            for (StreamMessage<String, String, String> message : claimed.getMessages()) {
                if (!running.get()) {
                    return;
                }
                if (message == null || message.payload() == null || message.payload().isEmpty()) {
                    // Redis 6.2 answers nil for an entry trimmed while pending; its tasks are still
                    // pending in PostgreSQL, and recovery republishes them
                    continue;
                }
                if (deliveries(message.id()) > Streams.MAX_DELIVERIES) {
                    deadLetter(message, "delivered more than " + Streams.MAX_DELIVERIES + " times");
                } else {
                    Log.infof("reclaimed %s after %s idle", message.id(), config.reclaimIdle());
                    handle(message);
                }
            }
            cursor = claimed.getId();
        } while (cursor != null && !"0-0".equals(cursor) && running.get());
    }

    /** Redis lost the stream or the group (restart without persistence, flush): create it again. */
    private void recreateGroupIfLost(RuntimeException e) {
        if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
            Log.warnf("consumer group %s is gone; creating it again", Streams.GRADERS_GROUP);
            try {
                createGroup();
            } catch (RuntimeException again) {
                Log.warnf("creating the consumer group failed: %s", again.getMessage());
            }
        }
    }

    /** Whether every worker thread is alive and one of them polled the stream recently. */
    public boolean healthy(Duration maxSilence) {
        if (!running.get()) {
            return false;
        }
        for (Thread thread : threads) {
            if (!thread.isAlive()) {
                return false;
            }
        }
        return config.workers() == 0 || lastPoll.isAfter(Instant.now().minus(maxSilence));
    }

    private int deliveries(String id) {
        List<PendingMessage> pending = streams.xpending(Streams.GRADING_TASKS, Streams.GRADERS_GROUP,
                StreamRange.of(id, id), 1);
        return pending.isEmpty() ? 0 : pending.get(0).getDeliveryCount();
    }

    private void handle(StreamMessage<String, String, String> message) {
        Envelope envelope;
        GradingTaskBatch batch;
        try {
            envelope = Envelope.fromFields(message.payload());
            batch = envelope.payloadAs(GradingTaskBatch.class);
        } catch (RuntimeException e) {
            deadLetter(message, "malformed entry: " + e.getMessage());
            return;
        }
        try {
            grading.process(envelope.tenantId(), batch, envelope.occurredAt()).await().atMost(PROCESS_TIMEOUT);
            streams.xack(Streams.GRADING_TASKS, Streams.GRADERS_GROUP, message.id());
        } catch (RuntimeException e) {
            // left un-acked: the reaper redelivers it, and dead-letters it if it keeps failing
            Log.errorf(e, "batch %s (%s) failed; it will be retried", batch.idempotencyKey(), message.id());
        }
    }

    private void deadLetter(StreamMessage<String, String, String> message, String reason) {
        Log.errorf("dead-lettering %s: %s", message.id(), reason);
        Map<String, String> fields = new LinkedHashMap<>(message.payload() == null ? Map.of() : message.payload());
        fields.put("dlqReason", reason);
        fields.put("dlqSourceId", message.id());
        try {
            Envelope envelope = Envelope.fromFields(message.payload());
            grading.abandon(envelope.payloadAs(GradingTaskBatch.class)).await().atMost(PROCESS_TIMEOUT);
        } catch (RuntimeException e) {
            Log.warnf("could not mark the tasks of %s failed: %s", message.id(), e.getMessage());
        }
        streams.xadd(Streams.deadLetter(Streams.GRADING_TASKS),
                new XAddArgs().maxlen(config.tasksMaxLen()).nearlyExactTrimming(), fields);
        streams.xack(Streams.GRADING_TASKS, Streams.GRADERS_GROUP, message.id());
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
