package io.zhiyue.gateway.support;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link StubbedGradingProfile} with tracing on: spans go to {@link TestSpans} (the OTLP endpoint
 * refuses), and no job-status read starts a trace of its own ({@code trace-poll-ratio} 0).
 */
public class TracedProfile extends StubbedGradingProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("quarkus.otel.sdk.disabled", "false");
        config.put("quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:1");
        config.put("quarkus.otel.bsp.schedule.delay", "50ms");
        config.put("zhiyue.gateway.trace-poll-ratio", "0");
        return config;
    }
}
