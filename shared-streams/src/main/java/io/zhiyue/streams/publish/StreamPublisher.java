package io.zhiyue.streams.publish;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.stream.ChannelHistory;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.config.StreamsConfig;
import io.zhiyue.streams.trace.TraceContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Appends envelopes to streams, trimmed with {@code MAXLEN ~} per stream from configuration.
 * Events go through the {@link io.zhiyue.streams.outbox.Outbox}; this is for commands whose
 * sender keeps its own record of what still has to be published (task batches).
 */
@ApplicationScoped
public class StreamPublisher {

    private static final int CONCURRENCY = 8;

    private final ReactiveRedisDataSource redis;
    private final StreamsConfig config;

    public StreamPublisher(ReactiveRedisDataSource redis, StreamsConfig config) {
        this.redis = redis;
        this.config = config;
    }

    /** Appends one envelope (without a traceparent, it continues the current trace); answers its stream id. */
    public Uni<String> publish(String stream, Envelope envelope) {
        Envelope traced = envelope.traceparent() != null ? envelope
                : envelope.withTraceparent(TraceContext.currentTraceparent());
        return redis.getRedis().send(append(stream, traced)).map(Response::toString)
                .ifNoItem().after(config.publishTimeout()).failWith(() -> timeout(stream));
    }

    /**
     * Appends many envelopes, a bounded number in flight, in no particular order; answers their
     * stream ids in the order of {@code envelopes}.
     */
    public Uni<List<String>> publishAll(String stream, List<Envelope> envelopes) {
        if (envelopes.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        String[] ids = new String[envelopes.size()];
        return Multi.createFrom().range(0, envelopes.size())
                .onItem().transformToUni(i -> publish(stream, envelopes.get(i)).invoke(id -> ids[i] = id))
                .merge(CONCURRENCY)
                .collect().last()
                .map(ignored -> List.of(ids));
    }

    /**
     * Appends entries in exactly this order, pipelined on one connection (the outbox relay: order
     * per stream is what consumers rely on). Answers the stream ids in the same order.
     */
    public Uni<List<String>> publishInOrder(List<Map.Entry<String, Envelope>> streamAndEnvelope) {
        List<Request> requests = new ArrayList<>(streamAndEnvelope.size());
        for (Map.Entry<String, Envelope> entry : streamAndEnvelope) {
            requests.add(append(entry.getKey(), entry.getValue()));
        }
        return redis.getRedis().batch(requests)
                .ifNoItem().after(config.publishTimeout()).failWith(() -> timeout("the outbox streams"))
                .map(responses -> {
                    List<String> ids = new ArrayList<>(responses.size());
                    for (Response response : responses) {
                        ids.add(response == null ? null : response.toString());
                    }
                    return ids;
                });
    }

    /**
     * An XADD; on zhiyue:events the history script instead, which also appends the event to its live
     * channels' histories with the same id (one atomic step).
     */
    private Request append(String stream, Envelope envelope) {
        if (Streams.EVENTS.equals(stream)) {
            Request eval = Request.cmd(Command.EVAL).arg(ChannelHistory.APPEND);
            ChannelHistory.appendArguments(envelope, config.maxLengthOf(stream), config.channelHistory().maxLength(),
                    config.channelHistory().ttl().toSeconds()).forEach(eval::arg);
            return eval;
        }
        Request xadd = Request.cmd(Command.XADD).arg(stream)
                .arg("MAXLEN").arg("~").arg(config.maxLengthOf(stream)).arg("*");
        envelope.toFields().forEach((field, value) -> xadd.arg(field).arg(value));
        return xadd;
    }

    private StreamPublishException timeout(String stream) {
        return new StreamPublishException("publishing to " + stream + " took longer than " + config.publishTimeout());
    }

    /** Redis did not take an entry in time. */
    public static final class StreamPublishException extends RuntimeException {
        public StreamPublishException(String message) {
            super(message, null, false, false);
        }
    }
}
