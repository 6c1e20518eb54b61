package io.zhiyue.grading.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.repository.JobRepository;
import io.zhiyue.grading.repository.JobRepository.StateCount;
import io.zhiyue.shared.job.JobState;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The workload as the business dashboard shows it: {@code zhiyue.grading.jobs{state}} (every tenant's jobs per
 * state) and {@code zhiyue.grading.review.pending} (answers waiting for people: the review queue). Counted from
 * the jobs table every {@value #EVERY}, never per scrape; every process counts the same rows, so a dashboard takes
 * the max over them.
 */
@ApplicationScoped
@Startup // the gauges exist from the start, so a dashboard sees zeros rather than nothing
public class JobGauges {

    static final String EVERY = "30s";

    private final JobRepository jobs;
    private final Map<JobState, AtomicLong> byState = new EnumMap<>(JobState.class);
    private final AtomicLong pendingReview = new AtomicLong();

    public JobGauges(JobRepository jobs, MeterRegistry registry) {
        this.jobs = jobs;
        for (JobState state : JobState.values()) {
            AtomicLong count = new AtomicLong();
            byState.put(state, count);
            Gauge.builder("zhiyue.grading.jobs", count, AtomicLong::get).tag("state", state.name())
                    .description("grading jobs in the state, across tenants").register(registry);
        }
        Gauge.builder("zhiyue.grading.review.pending", pendingReview, AtomicLong::get)
                .description("answers waiting for a person's mark, across tenants").register(registry);
    }

    @Scheduled(every = EVERY, delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> refresh() {
        return jobs.countByState().invoke(this::show)
                .onFailure().invoke(failure -> Log.debugf("counting jobs for the gauges failed: %s",
                        failure.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private void show(List<StateCount> counts) {
        Map<JobState, Long> jobsNow = new EnumMap<>(JobState.class);
        long pending = 0;
        for (StateCount count : counts) {
            jobsNow.put(count.state(), count.jobs());
            pending += count.pendingReview();
        }
        byState.forEach((state, gauge) -> gauge.set(jobsNow.getOrDefault(state, 0L)));
        pendingReview.set(pending);
    }
}
