package io.zhiyue.gateway.security;

import java.util.Locale;

/** What kind of work a public route does: its rate limits are set per class. */
public enum RouteClass {
    READS, WRITES, UPLOADS, JOB_CONTROLS, MARKING, STREAMS;

    /** The name used in configuration, metrics and RateLimit headers, e.g. {@code job-controls}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
