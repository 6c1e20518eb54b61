package io.zhiyue.saga.stream;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.zhiyue.saga.service.SagaCoordinator;
import io.zhiyue.shared.saga.SagaReply;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.consumer.Delivery;
import io.zhiyue.streams.consumer.StreamConsumers;
import io.zhiyue.streams.consumer.StreamHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Feeds the coordinator: participants' replies from {@code zhiyue:saga:replies} (consumer group
 * {@value #GROUP}: each reply to one saga-service instance, acknowledged once its move is committed), and the due
 * sagas — timeouts and retries after their pause — every {@code zhiyue.saga.tick} (a Vert.x timer: the Quarkus
 * scheduler does not go below a second, and a step's timeout is often less), one look at a time per instance.
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
    private long timer = -1;

    public SagaReplies(SagaCoordinator coordinator, StreamConsumers consumers, Vertx vertx,
            @ConfigProperty(name = "zhiyue.saga.tick") Duration tick) {
        this.coordinator = coordinator;
        this.consumers = consumers;
        this.vertx = vertx;
        this.tick = tick;
    }

    void onStart(@Observes StartupEvent event) {
        consumers.start(Streams.SAGA_REPLIES, GROUP, WORKERS, this);
        timer = vertx.setPeriodic(Math.max(10, tick.toMillis()), id -> due());
    }

    void onStop(@Observes ShutdownEvent event) {
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
