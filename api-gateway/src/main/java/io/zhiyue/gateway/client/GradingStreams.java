package io.zhiyue.gateway.client;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.stork.Stork;
import io.smallrye.stork.api.ServiceInstance;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * A streamed answer from grading-service (an export, an LLM explanation's server-sent events),
 * relayed as it arrives: the response body is a stream the REST layer passes on chunk by chunk,
 * never buffered and never retried (a retry could not resend what already went out). The
 * instance comes from the same Stork service as every other call. A plain Vert.x client, because
 * the REST client buffers or hides the status of a streamed body; exports and explanations each
 * have their own connections, so open explanation streams never hold up an export.
 */
@ApplicationScoped
public class GradingStreams {

    /** The Stork service every grading-service call goes through (see application.properties). */
    static final String SERVICE = "grading-service";

    /** Exports one gateway runs at once against one instance; more wait for a connection. */
    private static final int EXPORTS_PER_INSTANCE = 16;
    /** Explanation streams at once against one instance (grading-service streams 8 at once itself). */
    private static final int EXPLANATIONS_PER_INSTANCE = 32;

    private final HttpClient exports;
    private final HttpClient explanations;

    GradingStreams(Vertx vertx) {
        this.exports = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000),
                new PoolOptions().setHttp1MaxSize(EXPORTS_PER_INSTANCE));
        this.explanations = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000),
                new PoolOptions().setHttp1MaxSize(EXPLANATIONS_PER_INSTANCE));
    }

    /**
     * Opens {@code GET /api/v1/grading-jobs/{jobId}/export?{rawQuery}} on one instance; the body is
     * not read yet. An instance that refuses the connection is reported to the balancer and
     * another one asked (nothing was sent); any later failure is final.
     */
    public Uni<HttpClientResponse> open(Caller caller, UUID jobId, String rawQuery) {
        return open(exports, caller,
                "/api/v1/grading-jobs/" + jobId + "/export" + (rawQuery == null ? "" : "?" + rawQuery));
    }

    /**
     * Opens {@code GET /api/v1/submissions/{submissionId}/explanation}: the LLM's explanation as
     * server-sent events, each passed on the moment it arrives.
     */
    public Uni<HttpClientResponse> openExplanation(Caller caller, UUID submissionId) {
        return open(explanations, caller, "/api/v1/submissions/" + submissionId + "/explanation");
    }

    /** A review item's explanation: the marker never learns which submission it is. */
    public Uni<HttpClientResponse> openReviewItemExplanation(Caller caller, UUID itemId) {
        return open(explanations, caller, "/api/v1/review-items/" + itemId + "/explanation");
    }

    private static Uni<HttpClientResponse> open(HttpClient http, Caller caller, String uri) {
        return Uni.createFrom().deferred(() -> Stork.getInstance().getService(SERVICE)
                        .selectInstanceAndRecordStart(true)
                        .chain(instance -> send(http, instance, options(instance, uri, caller))))
                .onFailure(DownstreamUnreachable::isConnectionRefused).retry().atMost(2);
    }

    /**
     * The body as it arrives. Ending it early (the caller went away, or a silence outlasted the
     * budget) resets the upstream request, so grading-service stops sending and frees its cursor.
     */
    public static Multi<Buffer> body(HttpClientResponse response) {
        return response.toMulti().onTermination().invoke((failure, cancelled) -> {
            if (failure != null || cancelled) {
                response.request().reset();
            }
        });
    }

    /** The balancer must hear how every call ended, or it stops choosing the instance. */
    private static Uni<HttpClientResponse> send(HttpClient http, ServiceInstance instance, RequestOptions options) {
        return http.request(options)
                .chain(request -> request.send()
                        // given up before the headers came: nothing may keep grading-service busy
                        .onCancellation().invoke(request::reset))
                .invoke(response -> {
                    instance.recordReply();
                    instance.recordEnd(null);
                })
                .onFailure().invoke(instance::recordEnd)
                // out of budget: a slow answer (its time counts), not a broken instance
                .onCancellation().invoke(() -> {
                    instance.recordReply();
                    instance.recordEnd(null);
                });
    }

    private static RequestOptions options(ServiceInstance instance, String uri, Caller caller) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(instance.getHost())
                .setPort(instance.getPort()).setURI(uri);
        options.putHeader(TenantHeaders.TENANT, caller.tenant());
        options.putHeader(TenantHeaders.SUBJECT, caller.subject());
        options.putHeader(TenantHeaders.ROLES, caller.roles());
        options.putHeader(TenantHeaders.REQUEST_ID, caller.requestId());
        return options;
    }
}
