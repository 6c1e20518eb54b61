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
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * The gateway's head sampler (Quarkus takes a {@link Sampler} bean in place of the configured one):
 * every request starts a trace, except a job-status read ({@code GET /api/v1/grading-jobs/{id}},
 * what dashboards poll, thousands a minute on exam day), of which only
 * {@code zhiyue.gateway.trace-poll-ratio} does (1 % by default, chosen by trace id). Tracing every
 * poll cost more than everything else the gateway does for it: each exports spans here and in
 * cache-service, which tracing-service then parses and stores. Decisions follow the parent, so a
 * caller's sampled traceparent is always kept, and services downstream follow the gateway's choice.
 * Every request is still counted in the HTTP metrics.
 */
@Singleton
public class PollingReadSampler implements Sampler {

    private static final String JOBS = "/api/v1/grading-jobs/";

    private final Sampler everything = Sampler.parentBased(Sampler.alwaysOn());
    private final Sampler polls;

    @Inject
    PollingReadSampler(GatewayConfig config) {
        this(config.tracePollRatio());
    }

    PollingReadSampler(double pollRatio) {
        this.polls = Sampler.parentBased(Sampler.traceIdRatioBased(pollRatio));
    }

    @Override
    public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind, Attributes attributes,
            List<LinkData> links) {
        Sampler sampler = kind == SpanKind.SERVER && isJobStatusRead(attributes) ? polls : everything;
        return sampler.shouldSample(parent, traceId, name, kind, attributes, links);
    }

    static boolean isJobStatusRead(Attributes attributes) {
        String path = attributes.get(UrlAttributes.URL_PATH);
        return "GET".equals(attributes.get(HttpAttributes.HTTP_REQUEST_METHOD)) && path != null && path.startsWith(JOBS)
                && path.length() > JOBS.length() && path.indexOf('/', JOBS.length()) < 0;
    }

    @Override
    public String getDescription() {
        return "PollingReadSampler{polls=" + polls.getDescription() + ", else=" + everything.getDescription() + "}";
    }
}
