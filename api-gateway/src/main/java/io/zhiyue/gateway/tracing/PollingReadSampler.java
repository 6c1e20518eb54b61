package io.zhiyue.gateway.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.zhiyue.gateway.config.GatewayConfig;
import io.zhiyue.gateway.rest.GradingJobResource;
import io.zhiyue.streams.trace.TraceRoots;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;

/**
 * The gateway's sampler (Quarkus uses a {@link Sampler} bean in place of the configured one): the
 * configured sampler for every request but a job-status poll, which starts a trace only at
 * {@code zhiyue.gateway.trace-poll-ratio}; tracing every poll cost more than the rest of serving it. What may
 * start a trace at all is {@link TraceRoots}' rule, as in every service.
 */
@Singleton
public class PollingReadSampler implements Sampler {

    private static final String JOB = GradingJobResource.PATH + "/";

    private final Sampler everything;
    private final Sampler polls;

    @Inject
    PollingReadSampler(GatewayConfig config,
            @ConfigProperty(name = "quarkus.otel.traces.sampler", defaultValue = "parentbased_always_on") String sampler,
            @ConfigProperty(name = "quarkus.otel.traces.sampler.arg", defaultValue = "1.0") double ratio) {
        this(TraceRoots.configured(sampler, ratio), config.tracePollRatio());
    }

    PollingReadSampler(Sampler everything, double pollRatio) {
        if (!(pollRatio >= 0 && pollRatio <= 1)) {
            throw new IllegalArgumentException("zhiyue.gateway.trace-poll-ratio must be between 0 and 1, was " + pollRatio);
        }
        this.everything = new TraceRoots(everything);
        this.polls = Sampler.parentBased(Sampler.traceIdRatioBased(pollRatio));
    }

    @Override
    public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind, Attributes attributes,
            List<LinkData> links) {
        Sampler sampler = kind == SpanKind.SERVER && isJobStatusRead(attributes) ? polls : everything;
        return sampler.shouldSample(parent, traceId, name, kind, attributes, links);
    }

    /** {@code GET /api/v1/grading-jobs/{id}} and nothing under it. */
    static boolean isJobStatusRead(Attributes attributes) {
        String path = attributes.get(UrlAttributes.URL_PATH);
        return "GET".equals(attributes.get(HttpAttributes.HTTP_REQUEST_METHOD)) && path != null && path.startsWith(JOB)
                && path.length() > JOB.length() && path.indexOf('/', JOB.length()) < 0;
    }

    @Override
    public String getDescription() {
        return "PollingReadSampler{polls=" + polls.getDescription() + ", else=" + everything.getDescription() + "}";
    }
}
