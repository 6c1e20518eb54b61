package io.zhiyue.gateway.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.zhiyue.streams.trace.TraceRoots;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which requests start a trace: a share of the job-status polls, everything else, and always what a caller's trace holds. */
class PollingReadSamplerTest {

    private static final IdGenerator IDS = IdGenerator.random();

    @Test
    void aShareOfTheJobStatusReadsStartATraceChosenByTraceId() {
        PollingReadSampler sampler = sampler(0.01);
        int sampled = 0;
        int reads = 20_000;
        for (int i = 0; i < reads; i++) {
            if (sampled(sampler, Context.root(), SpanKind.SERVER, "GET", "/api/v1/grading-jobs/" + i)) {
                sampled++;
            }
        }
        assertThat(sampled).isBetween(100, 400);
        assertThat(sampled(sampler(1), Context.root(), SpanKind.SERVER, "GET", "/api/v1/grading-jobs/j")).isTrue();
        assertThat(sampled(sampler(0), Context.root(), SpanKind.SERVER, "GET", "/api/v1/grading-jobs/j")).isFalse();
    }

    @Test
    void everythingElseIsTraced() {
        PollingReadSampler sampler = sampler(0);
        for (String[] request : List.of(new String[] {"POST", "/api/v1/grading-jobs/j/start"},
                new String[] {"GET", "/api/v1/grading-jobs/j/results"}, new String[] {"GET", "/api/v1/grading-jobs/"},
                new String[] {"GET", "/api/v1/exams/e"}, new String[] {"DELETE", "/api/v1/grading-jobs/j"})) {
            assertThat(sampled(sampler, Context.root(), SpanKind.SERVER, request[0], request[1])).as(String.join(" ", request))
                    .isTrue();
        }
        // a client call outside any trace (the live feed's stream read, say) starts none
        assertThat(sampled(sampler, Context.root(), SpanKind.CLIENT, "GET", "/api/v1/exams/e")).isFalse();
        assertThat(sampled(sampler, parent(TraceFlags.getSampled()), SpanKind.CLIENT, "GET", "/api/v1/exams/e")).isTrue();
    }

    @Test
    void aReadInACallersTraceFollowsThatTracesDecision() {
        PollingReadSampler sampler = sampler(0);
        assertThat(sampled(sampler, parent(TraceFlags.getSampled()), SpanKind.SERVER, "GET", "/api/v1/grading-jobs/j")).isTrue();
        assertThat(sampled(sampler(1), parent(TraceFlags.getDefault()), SpanKind.SERVER, "GET",
                "/api/v1/exams")).isFalse();
    }

    @Test
    void everythingButThePollsFollowsTheConfiguredSampler() {
        PollingReadSampler noneElse = new PollingReadSampler(TraceRoots.configured("parentbased_traceidratio", 0), 1);
        assertThat(sampled(noneElse, Context.root(), SpanKind.SERVER, "GET", "/api/v1/exams")).isFalse();
        assertThat(sampled(noneElse, Context.root(), SpanKind.SERVER, "GET", "/api/v1/grading-jobs/j")).isTrue();
        assertThat(sampled(noneElse, parent(TraceFlags.getSampled()), SpanKind.SERVER, "GET", "/api/v1/exams")).isTrue();
        assertThatThrownBy(() -> sampler(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trace-poll-ratio");
    }

    private static PollingReadSampler sampler(double pollRatio) {
        return new PollingReadSampler(TraceRoots.configured("parentbased_always_on", 1), pollRatio);
    }

    private static boolean sampled(PollingReadSampler sampler, Context parent, SpanKind kind, String method, String path) {
        Attributes attributes = Attributes.of(HttpAttributes.HTTP_REQUEST_METHOD, method, UrlAttributes.URL_PATH, path);
        return sampler.shouldSample(parent, IDS.generateTraceId(), method, kind, attributes, List.of()).getDecision()
                == SamplingDecision.RECORD_AND_SAMPLE;
    }

    private static Context parent(TraceFlags flags) {
        SpanContext remote = SpanContext.createFromRemoteParent(IDS.generateTraceId(), IDS.generateSpanId(), flags,
                TraceState.getDefault());
        return Context.root().with(Span.wrap(remote));
    }
}
