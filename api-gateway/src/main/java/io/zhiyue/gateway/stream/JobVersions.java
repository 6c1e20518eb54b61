package io.zhiyue.gateway.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * The newest version of each job this replica has seen on {@code zhiyue:events}: a snapshot for a
 * new subscriber must be at least that new, or it could show a state older than events the
 * subscriber will never get (a job that finished just before it subscribed). Bounded: a job not
 * heard of for long is forgotten, and its snapshot is then whatever the read model has.
 */
@ApplicationScoped
public class JobVersions {

    private static final int REMEMBERED = 10_000;

    private final Cache<UUID, Long> newest = Caffeine.newBuilder().maximumSize(REMEMBERED).build();

    /** Notes the job version an event carries (JOB_STATE_CHANGED, GRADING_PROGRESS); others are ignored. */
    public void saw(Envelope envelope) {
        if (envelope.type() != EventType.JOB_STATE_CHANGED && envelope.type() != EventType.GRADING_PROGRESS) {
            return;
        }
        JsonNode payload = envelope.payload();
        JsonNode version = payload.path("version");
        if (!version.canConvertToLong() || version.asLong() < 1 || !payload.hasNonNull("jobId")) {
            return;
        }
        try {
            newest.asMap().merge(UUID.fromString(payload.get("jobId").asText()), version.asLong(), Math::max);
        } catch (IllegalArgumentException e) {
            // not a job id: nothing to note
        }
    }

    /** The newest version seen of the job, or null. */
    public Long newest(UUID jobId) {
        return newest.getIfPresent(jobId);
    }
}
