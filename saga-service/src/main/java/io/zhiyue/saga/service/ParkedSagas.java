package io.zhiyue.saga.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.zhiyue.saga.model.SagaState;
import io.zhiyue.saga.repository.SagaRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code zhiyue.sagas.parked}: the sagas of every tenant that wait for an operator now (the parked-saga alert
 * fires while there are any; {@code zhiyue.sagas{state=PARKED}} only counts how often one parked). Counted every
 * {@link #EVERY}, never per scrape; every instance counts the same rows.
 */
@ApplicationScoped
public class ParkedSagas {

    static final Duration EVERY = Duration.ofSeconds(30);

    private final SagaRepository sagas;
    private final Vertx vertx;
    private final AtomicLong parked = new AtomicLong();
    private final AtomicBoolean counting = new AtomicBoolean();
    private volatile long timer = -1;

    public ParkedSagas(SagaRepository sagas, Vertx vertx, MeterRegistry registry) {
        this.sagas = sagas;
        this.vertx = vertx;
        Gauge.builder("zhiyue.sagas.parked", parked, AtomicLong::get)
                .description("sagas waiting for an operator's retry, skip or resolve").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        countInTurn();
        timer = vertx.setPeriodic(EVERY.toMillis(), id -> countInTurn());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Counts them now; answers the count the gauge shows from now on. */
    public Uni<Long> count() {
        return sagas.countIn(SagaState.PARKED).invoke(parked::set);
    }

    /** One count at a time, given up after a round: a database that does not answer must not pile them up. */
    private void countInTurn() {
        if (!counting.compareAndSet(false, true)) {
            return;
        }
        count().ifNoItem().after(EVERY).fail()
                .eventually(() -> counting.set(false))
                .subscribe().with(ignored -> { },
                        failure -> Log.debugf("counting parked sagas failed: %s", failure.getMessage()));
    }
}
