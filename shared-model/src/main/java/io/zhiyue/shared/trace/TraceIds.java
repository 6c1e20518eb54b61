package io.zhiyue.shared.trace;

import java.util.regex.Pattern;

/** A W3C / OTLP trace id as the suite writes it: 32 lower-case hex digits. */
public final class TraceIds {

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

    private TraceIds() {
    }

    public static boolean isTraceId(String text) {
        return text != null && TRACE_ID.matcher(text).matches();
    }
}
