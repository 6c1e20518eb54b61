package io.zhiyue.streams.outbox;

import io.zhiyue.shared.event.Envelope;

import java.util.ArrayList;
import java.util.List;

/**
 * The envelopes a transaction wants published. They are written to the outbox in one statement
 * just before the commit, so they exist exactly when the state change they describe does.
 */
public final class OutboxEvents {

    private final List<String> streams = new ArrayList<>();
    private final List<Envelope> envelopes = new ArrayList<>();
    private final String traceparent;

    /** @param traceparent the trace of the caller that opened the transaction, or null */
    OutboxEvents(String traceparent) {
        this.traceparent = traceparent;
    }

    /** Adds an envelope; one without a traceparent continues the caller's trace. */
    public OutboxEvents add(String stream, Envelope envelope) {
        streams.add(stream);
        envelopes.add(envelope.traceparent() == null && traceparent != null
                ? envelope.withTraceparent(traceparent) : envelope);
        return this;
    }

    boolean isEmpty() {
        return envelopes.isEmpty();
    }

    List<String> streams() {
        return streams;
    }

    List<Envelope> envelopes() {
        return envelopes;
    }
}
