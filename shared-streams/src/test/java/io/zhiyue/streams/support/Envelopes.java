package io.zhiyue.streams.support;

import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;

import java.util.Map;
import java.util.UUID;

/** Envelopes for tests: a USER_NOTIFICATION with a unique key unless one is given. */
public final class Envelopes {

    private Envelopes() {
    }

    public static Envelope note(String key, String body) {
        return note(key, body, null);
    }

    public static Envelope note(String key, String body, String traceparent) {
        return Envelope.of(EventType.USER_NOTIFICATION, "test-school", key, Map.of("body", body), traceparent);
    }

    public static String uniqueStream() {
        return "zhiyue:test:" + UUID.randomUUID();
    }
}
