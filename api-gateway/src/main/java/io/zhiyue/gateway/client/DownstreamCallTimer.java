package io.zhiyue.gateway.client;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.micrometer.runtime.binder.HttpCommonTags;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.ext.Provider;
import org.jboss.resteasy.reactive.client.impl.PreservesThreadClientResponseFilter;

/**
 * {@code http.client.requests} for every downstream call the gateway makes, with the tags Quarkus'
 * own REST client binder gives it (method, path template, outcome, status, clientName = host), so
 * dashboards read it as before. Quarkus 3.30's binder ({@code RestClientMetricsFilter}) is a plain
 * response filter, and the REST client runs such a filter on a worker thread: every call the gateway
 * relays went event loop → worker → event loop for one timer update. This one declares that it
 * keeps the thread (it only records a timer), and the binder is off in application.properties
 * ({@code quarkus.micrometer.binder.http-client.enabled=false}).
 */
@Provider
public class DownstreamCallTimer implements ClientRequestFilter, PreservesThreadClientResponseFilter {

    /** Where the request's sample waits for its response. */
    private static final String SAMPLE = "zhiyue.downstreamSample";
    /** The path template the REST client puts on each request ({@code /api/v1/jobs/{jobId}}). */
    private static final String PATH_TEMPLATE = "UrlPathTemplate";

    private final MeterRegistry registry;
    private final Meter.MeterProvider<Timer> timer;

    DownstreamCallTimer(MeterRegistry registry) {
        this.registry = registry;
        this.timer = Timer.builder("http.client.requests").withRegistry(registry);
    }

    @Override
    public void filter(ClientRequestContext request) {
        request.setProperty(SAMPLE, Timer.start(registry));
    }

    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) {
        if (!(request.getProperty(SAMPLE) instanceof Timer.Sample sample)) {
            return;
        }
        int status = response.getStatus();
        String path = request.getUri().getPath();
        String template = request.getProperty(PATH_TEMPLATE) instanceof String given ? given : path;
        String host = request.getUri().getHost();
        sample.stop(timer.withTags(Tags.of(HttpCommonTags.method(request.getMethod()),
                HttpCommonTags.uri(template, path, status, false), HttpCommonTags.outcome(status),
                HttpCommonTags.status(status), Tag.of("clientName", host == null ? "none" : host))));
    }
}
