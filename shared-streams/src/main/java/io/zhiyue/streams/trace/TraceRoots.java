package io.zhiyue.streams.trace;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

import java.util.List;

/**
 * Which spans may start a trace: a request ({@link SpanKind#SERVER}) or a stream entry taken for processing
 * ({@link SpanKind#CONSUMER}), never a database statement, a Redis command or other work outside any trace (a
 * blocking stream read, the outbox relay's batch, a lease renewal). Those had each started a trace of one span:
 * under {@code bench saga} some sixty such spans per saga beside the saga's own two dozen. Everything with a
 * parent, and every span allowed to start a trace, follows the configured sampler.
 *
 * <p>A dropped root still has a valid, unsampled span context: work done under it that writes an entry passes
 * that context on ({@code -00}), and the parent-based sampler then leaves the consumers' spans out too. Nothing
 * does so today (the timers that write entries make no span); a span made by hand around such work should be a
 * SERVER or CONSUMER span.
 *
 * <p>Every service uses it ({@link TraceSampling}); the gateway puts its poll sampler in front of it.
 */
public final class TraceRoots implements Sampler {

    private final Sampler configured;

    public TraceRoots(Sampler configured) {
        this.configured = configured;
    }

    /** The standard sampler names of {@code quarkus.otel.traces.sampler}, as OpenTelemetry defines them. */
    public static Sampler configured(String name, double ratio) {
        return switch (name) {
            case "parentbased_always_on" -> Sampler.parentBased(Sampler.alwaysOn());
            case "parentbased_always_off" -> Sampler.parentBased(Sampler.alwaysOff());
            case "parentbased_traceidratio" -> Sampler.parentBased(Sampler.traceIdRatioBased(ratio));
            case "always_on" -> Sampler.alwaysOn();
            case "always_off" -> Sampler.alwaysOff();
            case "traceidratio" -> Sampler.traceIdRatioBased(ratio);
            default -> throw new IllegalArgumentException("quarkus.otel.traces.sampler " + name + " is not one ZhiYue "
                    + "knows: parentbased_always_on, parentbased_always_off, parentbased_traceidratio, always_on, "
                    + "always_off or traceidratio");
        };
    }

    @Override
    public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind, Attributes attributes,
            List<LinkData> links) {
        if (kind != SpanKind.SERVER && kind != SpanKind.CONSUMER && !Span.fromContext(parent).getSpanContext().isValid()) {
            return SamplingResult.drop();
        }
        return configured.shouldSample(parent, traceId, name, kind, attributes, links);
    }

    @Override
    public String getDescription() {
        return "TraceRoots{roots=SERVER|CONSUMER, " + configured.getDescription() + "}";
    }
}
