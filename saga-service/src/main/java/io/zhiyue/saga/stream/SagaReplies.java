package io.zhiyue.saga.stream;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.zhiyue.saga.service.SagaCoordinator;
import io.zhiyue.shared.saga.SagaApplied;
import io.zhiyue.shared.saga.SagaReply;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.consumer.Delivery;
import io.zhiyue.streams.consumer.StreamConsumers;
import io.zhiyue.streams.config.StreamsConfig;
import io.zhiyue.streams.consumer.StreamHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Feeds the coordinator: participants' replies from {@code zhiyue:saga:replies} (consumer group
 * {@value #GROUP}: each reply to one saga-service instance, acknowledged once its move is committed), sagas whose
 * first step their initiator applied from {@code zhiyue:saga:starts} (same group), and the due
 * sagas — timeouts and retries after their pause — every {@code zhiyue.saga.tick} (a Vert.x timer: the Quarkus
 * scheduler does not go below a second, and a step's timeout is often less), one look at a time per instance,
 * from a grace after start on (the stream runtime's liveness TTL and twice its reclaim interval) so that replies which came
 * while no coordinator ran are read first.
 */
@ApplicationScoped
public class SagaReplies implements StreamHandler {

    static final String GROUP = "saga-service";
    private static final int WORKERS = 4;

    private final SagaCoordinator coordinator;
    private final StreamConsumers consumers;
    private final Vertx vertx;
    private final Duration tick;
    private final AtomicBoolean looking = new AtomicBoolean();
    private final StreamsConfig streams;
    private volatile long timer = -1;
    private volatile boolean running = true;

    public SagaReplies(SagaCoordinator coordinator, StreamConsumers consumers, Vertx vertx, StreamsConfig streams,
            @ConfigProperty(name = "zhiyue.saga.tick") Duration tick) {
        this.streams = streams;
        this.coordinator = coordinator;
        this.consumers = consumers;
        this.vertx = vertx;
        this.tick = tick;
    }

    void onStart(@Observes StartupEvent event) {
        consumers.start(Streams.SAGA_REPLIES, GROUP, WORKERS, this);
        consumers.start(Streams.SAGA_STARTS, GROUP, 1, delivery -> coordinator.startApplied(
                delivery.envelope().tenantId(), delivery.envelope().payloadAs(SagaApplied.class)));
        // replies that came while no coordinator ran (new entries, and those a dead instance held, taken over once
        // its liveness lapsed) are read before any awaited step is judged timed out: a restart alone then seldom
        // compensates a saga whose participant answered (a late reply is still only logged)
        // (a second reclaim interval is the margin for the pass that takes them over and the reading after it)
        Duration grace = streams.livenessTtl().plus(streams.reclaimInterval().multipliedBy(2));
        timer = vertx.setTimer(Math.max(1, grace.toMillis()), first -> {
            if (running) {
                timer = vertx.setPeriodic(Math.max(10, tick.toMillis()), id -> due());
            }
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    @Override
    public Uni<Void> handle(Delivery delivery) {
        return coordinator.onReply(delivery.envelope().payloadAs(SagaReply.class));
    }

    /** One look for due sagas, unless the last one is still at work. */
    private void due() {
        if (!looking.compareAndSet(false, true)) {
            return;
        }
        coordinator.tick().subscribe().with(moved -> looking.set(false), failure -> {
            looking.set(false);
            Log.warnf("the coordinator could not look for due sagas: %s", failure.toString());
        });
    }
}
