package io.zhiyue.streams.trace;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A service's tracer as deployed (every service takes its sampler from shared-streams): a request or a stream entry
 * starts a trace; a statement or a Redis command outside any trace starts none, and inside a sampled trace is in it.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class TraceRootsTest {

    @Inject
    Tracer tracer;

    @Test
    void onlyARequestOrAStreamEntryStartsATrace() {
        assertThat(root(SpanKind.SERVER)).as("a request").isTrue();
        assertThat(root(SpanKind.CONSUMER)).as("a stream entry").isTrue();
        assertThat(root(SpanKind.CLIENT)).as("a statement or a Redis command outside any trace").isFalse();
        assertThat(root(SpanKind.INTERNAL)).isFalse();
        assertThat(root(SpanKind.PRODUCER)).isFalse();
    }

    @Test
    void insideASampledTraceEverySpanIsInIt() {
        Span request = tracer.spanBuilder("request").setSpanKind(SpanKind.SERVER).startSpan();
        try (Scope ignored = request.makeCurrent()) {
            Span statement = tracer.spanBuilder("SELECT").setSpanKind(SpanKind.CLIENT).startSpan();
            assertThat(statement.getSpanContext().isSampled()).isTrue();
            assertThat(statement.getSpanContext().getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
            statement.end();
        } finally {
            request.end();
        }
    }

    @Test
    void theConfiguredSamplerStillDecidesForTheRoots() {
        TraceRoots none = new TraceRoots(TraceRoots.configured("parentbased_always_off", 1));
        assertThat(none.shouldSample(Context.root(), "0af7651916cd43dd8448eb211c80319c", "request", SpanKind.SERVER,
                Attributes.empty(), List.of()).getDecision()).isEqualTo(SamplingDecision.DROP);
        assertThatThrownBy(() -> TraceRoots.configured("jaeger_remote", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jaeger_remote");
    }

    private boolean root(SpanKind kind) {
        Span span = tracer.spanBuilder("work").setSpanKind(kind).setNoParent().startSpan();
        try {
            return span.getSpanContext().isSampled();
        } finally {
            span.end();
        }
    }
}
