package io.zhiyue.tracing.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.SlowSpan;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.shared.tenant.TenantHeaders;
import io.zhiyue.streams.outbox.Outbox;
import io.zhiyue.tracing.config.TracingConfig;
import io.zhiyue.tracing.otlp.SpanRecord;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stored spans over their threshold (by {@code service/operation}, else by service, else the default): each one
 * counts in {@code zhiyue_tracing_slow_spans_total{service}}, and one per operation and alert interval becomes a
 * SLOW_SPAN event (platform data, for the {@code system} channel) through the outbox; the spans in between are
 * counted in the next alert's {@code suppressed}, so an alert storm is one event a minute. Only spans stored for the
 * first time count (an exporter's retry is not a second slow span). Operations and services are the exporters'
 * names, so both maps are bounded: idle operations are forgotten, services past {@value #MAX_SERVICES} count as
 * {@code other}.
 */
@ApplicationScoped
public class SlowSpanAlerts {

    static final int MAX_SERVICES = 200;
    private static final int MAX_OPERATIONS = 10_000;

    private final TracingConfig.Slow config;
    private final MeterRegistry registry;
    private final Outbox outbox;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public SlowSpanAlerts(TracingConfig config, MeterRegistry registry, Outbox outbox) {
        this.config = config.slow();
        this.registry = registry;
        this.outbox = outbox;
    }

    /** How long a span of the service's operation may take before it is slow. */
    public Duration threshold(String service, String operation) {
        Duration own = config.thresholds().get(service + "/" + operation);
        if (own != null) {
            return own;
        }
        Duration services = config.thresholds().get(service);
        return services != null ? services : config.threshold();
    }

    /**
     * The slow spans among those just stored ({@code inserted}: "traceId/spanId" of the new ones): counted, and
     * alerted on when their operation is due one.
     */
    public void raise(List<SpanRecord> stored, Set<String> inserted) {
        long now = System.nanoTime();
        long interval = config.alertInterval().toNanos();
        List<SlowSpan> due = new ArrayList<>();
        for (SpanRecord span : stored) {
            long threshold = threshold(span.service(), span.name()).toMillis();
            if (span.durationMillis() <= threshold || !inserted.contains(span.traceId() + "/" + span.spanId())) {
                continue;
            }
            counter(span.service()).increment();
            if (windows.size() > MAX_OPERATIONS) {
                windows.values().removeIf(window -> window.idle(now, interval));
            }
            long suppressed = windows.computeIfAbsent(span.service() + "/" + span.name(), key -> new Window())
                    .alert(now, interval);
            if (suppressed >= 0) {
                due.add(new SlowSpan(span.traceId(), span.spanId(), span.service(), span.name(),
                        span.durationMillis(), threshold, suppressed, Instant.now()));
            }
        }
        if (due.isEmpty()) {
            return;
        }
        outbox.inTransaction((tx, events) -> {
            due.forEach(alert -> events.add(Streams.EVENTS, Envelope.of(EventType.SLOW_SPAN,
                    TenantHeaders.PLATFORM_TENANT, "slow-span:" + alert.traceId() + ":" + alert.spanId(), alert, null)));
            return Uni.createFrom().voidItem();
        }).subscribe().with(ignored -> { }, failure -> Log.warnf("%d SLOW_SPAN alerts were not published: %s",
                due.size(), failure.toString()));
    }

    private Counter counter(String service) {
        Counter counter = counters.get(service);
        if (counter != null) {
            return counter;
        }
        String tag = counters.size() < MAX_SERVICES ? service : "other";
        return counters.computeIfAbsent(tag, name -> Counter.builder("zhiyue.tracing.slow.spans")
                .description("Spans over their slow-span threshold").tag("service", name).register(registry));
    }

    /** One operation's alerts: the last one's time and the slow spans since that had none. */
    private static final class Window {

        private long lastAlert;
        private boolean alerted;
        private long suppressed;

        /** The spans suppressed since the last alert when one is due now (its count reset), else -1. */
        synchronized long alert(long now, long interval) {
            if (alerted && now - lastAlert < interval) {
                suppressed++;
                return -1;
            }
            alerted = true;
            lastAlert = now;
            long before = suppressed;
            suppressed = 0;
            return before;
        }

        /** No alert for a whole interval and nothing suppressed: forgetting it loses nothing. */
        synchronized boolean idle(long now, long interval) {
            return now - lastAlert >= interval && suppressed == 0;
        }
    }
}
