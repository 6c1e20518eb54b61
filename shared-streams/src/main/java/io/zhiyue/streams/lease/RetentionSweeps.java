package io.zhiyue.streams.lease;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Retention sweeps under the leader lease (README "Data lifecycle"): each kind of data a service
 * keeps for a period (LLM audit records, spans, checkpoints, sent outbox rows) is swept by the one
 * instance that holds the lease {@code <application>:retention:<kind>}; the other instances skip
 * their turn. A sweep is not stopped when its lease is lost midway, so right after a change of
 * leader two instances may sweep at once: harmless, since each statement deletes rows past their
 * period and a row goes once.
 */
@ApplicationScoped
public class RetentionSweeps {

    /** Long enough that a leader keeps the lease between sweeps; it renews every third of it. */
    static final Duration LEASE_TTL = Duration.ofSeconds(30);

    private final LeaderLeases leases;
    private final String application;
    private final MeterRegistry registry;
    private final Map<String, LeaderLease> byKind = new ConcurrentHashMap<>();
    private final Map<String, Counter> deleted = new ConcurrentHashMap<>();

    public RetentionSweeps(LeaderLeases leases, @ConfigProperty(name = "quarkus.application.name") String application,
            MeterRegistry registry) {
        this.leases = leases;
        this.application = application;
        this.registry = registry;
    }

    /**
     * Runs {@code sweep} (which answers how many rows it deleted) when this instance holds the
     * kind's retention lease, taking it first if it is free; answers whether it ran.
     */
    public Uni<Boolean> ifLeader(String kind, Supplier<? extends Uni<? extends Number>> sweep) {
        LeaderLease lease = byKind.computeIfAbsent(kind, k -> {
            counter(k); // exported from the first turn on, as 0 until something goes
            return leases.compete(leaseName(k), LEASE_TTL);
        });
        Uni<Boolean> leading = lease.isLeader() ? Uni.createFrom().item(true) : lease.tick();
        return leading.chain(leader -> !leader ? Uni.createFrom().item(false)
                : sweep.get().invoke(rows -> counter(kind).increment(rows.doubleValue())).replaceWith(true));
    }

    String leaseName(String kind) {
        return application + ":retention:" + kind;
    }

    private Counter counter(String kind) {
        return deleted.computeIfAbsent(kind, k -> Counter.builder("zhiyue.retention.deleted")
                .description("rows deleted by retention sweeps").tag("kind", k).register(registry));
    }
}
