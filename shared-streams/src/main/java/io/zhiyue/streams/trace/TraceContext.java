package io.zhiyue.streams.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.Collections;
import java.util.Map;

/** W3C {@code traceparent} in and out of stream entries, so one trace crosses every stream hop. */
public final class TraceContext {

    private static final String TRACEPARENT = "traceparent";

    private static final TextMapGetter<String> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return Collections.singleton(TRACEPARENT);
        }

        @Override
        public String get(String carrier, String key) {
            return TRACEPARENT.equals(key) ? carrier : null;
        }
    };

    private TraceContext() {
    }

    /** The traceparent of the current span, or null when there is none. */
    public static String currentTraceparent() {
        return traceparentOf(Span.current().getSpanContext());
    }

    public static String traceparentOf(SpanContext context) {
        if (context == null || !context.isValid()) {
            return null;
        }
        Map<String, String> carrier = new java.util.HashMap<>(2);
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(Span.wrap(context)), carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** The remote parent named by {@code traceparent}, or the root context when it is absent or malformed. */
    public static Context extract(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, GETTER);
    }
}
