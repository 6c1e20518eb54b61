package io.zhiyue.tracing.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.SlowSpan;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.shared.tenant.TenantHeaders;
import io.zhiyue.streams.outbox.OutboxEvents;
import io.zhiyue.tracing.config.TracingConfig;
import io.zhiyue.tracing.otlp.SpanRecord;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spans over their threshold (by {@code service/operation}, else by service, else the default): each one counts in
 * {@code zhiyue_tracing_slow_spans_total{service}}, and one per operation and alert interval becomes a SLOW_SPAN
 * event (platform data, for the {@code system} channel), written with the spans in their transaction; the spans in
 * between are counted in the next alert's {@code suppressed}, so an alert storm is one event a minute.
 */
@ApplicationScoped
public class SlowSpanAlerts {

    private final TracingConfig.Slow config;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public SlowSpanAlerts(TracingConfig config, MeterRegistry registry) {
        this.config = config.slow();
        this.registry = registry;
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

    /** The batch's slow spans: counted, and alerted on through {@code events} when their operation is due one. */
    public void check(List<SpanRecord> spans, OutboxEvents events) {
        long now = System.nanoTime();
        for (SpanRecord span : spans) {
            long threshold = threshold(span.service(), span.name()).toMillis();
            if (span.durationMillis() <= threshold) {
                continue;
            }
            counters.computeIfAbsent(span.service(), service -> Counter.builder("zhiyue.tracing.slow.spans")
                    .description("Spans over their slow-span threshold").tag("service", service)
                    .register(registry)).increment();
            long suppressed = windows.computeIfAbsent(span.service() + "/" + span.name(), key -> new Window())
                    .alert(now, config.alertInterval().toNanos());
            if (suppressed >= 0) {
                events.add(Streams.EVENTS, Envelope.of(EventType.SLOW_SPAN, TenantHeaders.PLATFORM_TENANT,
                        "slow-span:" + span.traceId() + ":" + span.spanId(), new SlowSpan(span.traceId(),
                                span.spanId(), span.service(), span.name(), span.durationMillis(), threshold,
                                suppressed, Instant.now()), null));
            }
        }
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
    }
}
