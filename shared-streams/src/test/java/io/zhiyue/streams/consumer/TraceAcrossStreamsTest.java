package io.zhiyue.streams.consumer;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.streams.outbox.Outbox;
import io.zhiyue.streams.support.Envelopes;
import io.zhiyue.streams.trace.TraceContext;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A trace crosses a publish (through the outbox) and a consume: the consumer's span is the request's child. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class TraceAcrossStreamsTest {

    @Inject
    Outbox outbox;
    @Inject
    StreamConsumers consumers;
    @Inject
    Tracer tracer;
    @Inject
    InMemorySpanExporter spans;

    @Test
    void theConsumerSpanContinuesTheProducersTrace() {
        String stream = Envelopes.uniqueStream();
        AtomicReference<Delivery> received = new AtomicReference<>();
        AtomicReference<String> currentInHandler = new AtomicReference<>();
        AtomicReference<Object> loggedTrace = new AtomicReference<>();
        GroupConsumer consumer = consumers.start(stream, "tracers", 1, delivery -> {
            received.set(delivery);
            currentInHandler.set(TraceContext.currentTraceparent());
            loggedTrace.set(org.jboss.logging.MDC.get("traceId"));
            return Uni.createFrom().voidItem();
        });
        try {
            // a request puts the entry in the outbox (a span outside any request or entry starts no trace: TraceRoots)
            Span request = tracer.spanBuilder("request").setSpanKind(SpanKind.SERVER).startSpan();
            Envelope envelope;
            try (Scope ignored = request.makeCurrent()) {
                envelope = Envelopes.note("trace-" + stream, "traced", TraceContext.currentTraceparent());
            } finally {
                request.end();
            }
            outbox.publish(stream, envelope).await().atMost(Duration.ofSeconds(5));

            await().atMost(Duration.ofSeconds(10)).until(() -> received.get() != null);
            String traceId = request.getSpanContext().getTraceId();
            assertThat(received.get().envelope().traceparent()).contains(traceId);
            assertThat(received.get().traceparent()).as("the consumer span's traceparent").contains(traceId)
                    .doesNotContain(request.getSpanContext().getSpanId());
            assertThat(currentInHandler.get()).as("the consumer span is current in the handler")
                    .isEqualTo(received.get().traceparent());
            assertThat(loggedTrace.get()).as("the handler's log lines name the trace").isEqualTo(traceId);

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(spans.getFinishedSpanItems())
                    .anyMatch(span -> isConsumerChildOf(span, request, stream)));
        } finally {
            consumer.stop(Duration.ofSeconds(2));
        }
    }

    private static boolean isConsumerChildOf(SpanData span, Span request, String stream) {
        return span.getKind() == SpanKind.CONSUMER
                && span.getName().equals(stream + " process")
                && span.getTraceId().equals(request.getSpanContext().getTraceId())
                && span.getParentSpanId().equals(request.getSpanContext().getSpanId());
    }
}
