package io.zhiyue.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.logging.Log;
import io.zhiyue.gateway.client.Caller;
import io.zhiyue.gateway.client.DownstreamResponse;
import io.zhiyue.gateway.client.GradingClient;
import io.zhiyue.gateway.config.GatewayConfig;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedHashMap;

import java.io.IOException;
import java.util.UUID;

/**
 * The current job as grading-service reports it, so a progress bar can start before the next
 * event. Best effort: any failure gives {@code null}, the live channel works without it.
 */
@ApplicationScoped
public class JobSnapshots {

    private final GradingClient grading;
    private final GatewayConfig config;

    JobSnapshots(GradingClient grading, GatewayConfig config) {
        this.grading = grading;
        this.config = config;
    }

    /** Blocks the calling worker thread for at most the snapshot timeout. */
    public JsonNode snapshotOf(String channel) {
        return Channels.jobId(channel).map(this::fetch).orElse(null);
    }

    private JsonNode fetch(UUID jobId) {
        try {
            DownstreamResponse response = grading.getJob(Caller.anonymous(null), jobId.toString(),
                            new MultivaluedHashMap<>())
                    .await().atMost(config.snapshotTimeout());
            if (!response.isSuccessful() || response.body().length == 0) {
                return null;
            }
            return JsonCodec.mapper().readTree(response.body());
        } catch (RuntimeException | IOException e) {
            Log.debugf("no snapshot of job %s: %s", jobId, e.toString());
            return null;
        }
    }
}
