package io.zhiyue.cache.jobs;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.consumer.Delivery;
import io.zhiyue.streams.consumer.StreamConsumers;
import io.zhiyue.streams.consumer.StreamHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Feeds the job read model: consumer group {@value #GROUP} of {@code zhiyue:events} (each event to
 * one instance; shared-streams handles delivery, redelivery and dead letters), acknowledged after
 * the event is in PostgreSQL and Redis. {@value #WORKERS} workers per instance: the read model
 * takes events in any order (versions decide), and a new group reads the stream's whole history.
 */
@ApplicationScoped
public class JobEventsConsumer implements StreamHandler {

    static final String GROUP = "cache-service";
    private static final int WORKERS = 4;

    private final JobReadModel jobs;
    private final StreamConsumers consumers;

    public JobEventsConsumer(JobReadModel jobs, StreamConsumers consumers) {
        this.jobs = jobs;
        this.consumers = consumers;
    }

    void onStart(@Observes StartupEvent event) {
        consumers.start(Streams.EVENTS, GROUP, WORKERS, this);
    }

    @Override
    public Uni<Void> handle(Delivery delivery) {
        return jobs.apply(delivery.envelope());
    }
}
