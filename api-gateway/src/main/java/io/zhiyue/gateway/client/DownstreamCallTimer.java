package io.zhiyue.gateway.client;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.micrometer.runtime.binder.HttpCommonTags;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.ext.Provider;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestContext;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestFilter;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientResponseFilter;

/**
 * {@code http.client.requests} for every downstream call, tagged as Quarkus' REST client binder tags
 * it, but on the event loop: the binder's filter does not keep the thread, so the client ran it on a
 * worker thread, a hop there and back per relayed request (the binder is off in application.properties).
 */
@Provider
public class DownstreamCallTimer implements ResteasyReactiveClientRequestFilter, ResteasyReactiveClientResponseFilter {

    /** Where the request's sample waits for its response. */
    private static final String SAMPLE = "zhiyue.downstreamSample";
    /** The path template the REST client puts on each request ({@code /api/v1/jobs/{jobId}}). */
    private static final String PATH_TEMPLATE = "UrlPathTemplate";
    /** A call without a template is not tagged with its path, which would make one series per id. */
    private static final Tag UNKNOWN_URI = Tag.of("uri", "UNKNOWN");

    private final MeterRegistry registry;
    private final Meter.MeterProvider<Timer> timer;

    DownstreamCallTimer(MeterRegistry registry) {
        this.registry = registry;
        this.timer = Timer.builder("http.client.requests").withRegistry(registry);
    }

    @Override
    public void filter(ResteasyReactiveClientRequestContext request) {
        request.setProperty(SAMPLE, Timer.start(registry));
    }

    @Override
    public void filter(ResteasyReactiveClientRequestContext request, ClientResponseContext response) {
        if (!(request.getProperty(SAMPLE) instanceof Timer.Sample sample)) {
            return;
        }
        int status = response.getStatus();
        Tag uri = request.getProperty(PATH_TEMPLATE) instanceof String template
                ? HttpCommonTags.uri(template, request.getUri().getPath(), status, false) : UNKNOWN_URI;
        String host = request.getUri().getHost();
        sample.stop(timer.withTags(Tags.of(HttpCommonTags.method(request.getMethod()), uri,
                HttpCommonTags.outcome(status), HttpCommonTags.status(status),
                Tag.of("clientName", host == null ? "none" : host))));
    }
}
