package io.zhiyue.gateway.stream;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.StartupEvent;
import io.zhiyue.gateway.ws.ChannelHub;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.stream.StreamId;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.tail.StreamTails;
import io.zhiyue.streams.tail.TailListener;
import io.zhiyue.streams.trace.TraceContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;

/**
 * Every replica tails all of zhiyue:events (shared-streams tail reader: each replica must see
 * every entry to serve its own sockets) and routes each entry to its channel. Fan-out never
 * blocks the reader: connections have their own bounded queues. An event published twice (the
 * outbox is at-least-once) reaches nobody twice: the second copy has a key seen recently. The delivery of an
 * event that carries a trace is a span of that trace ({@code zhiyue:events deliver}, CONSUMER).
 */
@ApplicationScoped
public class LiveEventFeed implements TailListener {

    private final StreamTails tails;
    private final ChannelHub hub;
    private final JobVersions versions;
    private final RecentKeys recent = new RecentKeys(RecentKeys.LIVE_CAPACITY);
    private final Tracer tracer;

    LiveEventFeed(StreamTails tails, ChannelHub hub, JobVersions versions, Tracer tracer) {
        this.tails = tails;
        this.hub = hub;
        this.versions = versions;
        this.tracer = tracer;
    }

    void onStart(@Observes @Priority(100) StartupEvent event) {
        tails.start(Streams.EVENTS, this);
    }

    @Override
    public void onStart(StreamId position) {
        hub.advanceTo(position);
    }

    @Override
    public void onEntry(StreamId id, Envelope envelope) {
        if (envelope != null) {
            versions.saw(envelope);
        }
        List<LiveEvent> events = LiveEvent.of(id, envelope);
        if (events.isEmpty() || !recent.firstTime(envelope.key())) {
            hub.advanceTo(id);
            return;
        }
        if (envelope.traceparent() == null) {
            hub.publish(events);
            return;
        }
        Span span = tracer.spanBuilder(Streams.EVENTS + " deliver").setParent(TraceContext.extract(envelope.traceparent()))
                .setSpanKind(SpanKind.CONSUMER).setAttribute("messaging.system", "redis")
                .setAttribute("messaging.destination.name", Streams.EVENTS)
                .setAttribute("messaging.message.id", id.toString())
                .setAttribute("zhiyue.event.type", envelope.type().name())
                .setAttribute("zhiyue.channels", String.join(",", events.stream().map(LiveEvent::channel).toList()))
                .startSpan();
        try {
            hub.publish(events);
        } finally {
            span.end();
        }
    }
}
