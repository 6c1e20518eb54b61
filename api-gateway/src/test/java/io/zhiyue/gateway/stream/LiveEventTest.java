package io.zhiyue.gateway.stream;

import io.zhiyue.shared.event.LiveChannels;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.json.JsonCodec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LiveEventTest {

    @Test
    void jobEventsGoToTheirJobsChannelAndTheirExamsChannel() {
        var payload = JsonCodec.mapper().createObjectNode().put("jobId", "j-1").put("examId", "e-1").put("score", 3.5);
        assertThat(LiveChannels.of(EventType.SCORE_CHANGED, payload)).containsExactly("job:j-1", "exam:e-1");
        assertThat(LiveChannels.of(EventType.GRADING_PROGRESS, payload)).containsExactly("job:j-1", "exam:e-1");
        assertThat(LiveChannels.of(EventType.JOB_STATE_CHANGED, payload)).containsExactly("job:j-1", "exam:e-1");
        assertThat(LiveChannels.of(EventType.SCORE_CHANGED, JsonCodec.mapper().createObjectNode())).isEmpty();
    }

    @Test
    void reviewQueueChangesGoToTheExamAndQualityAlertsAlsoToTheSystemChannel() {
        var review = JsonCodec.mapper().createObjectNode().put("examId", "e-1").put("jobId", "j-1");
        assertThat(LiveChannels.of(EventType.REVIEW_ITEM_CHANGED, review)).containsExactly("exam:e-1");
        var alert = JsonCodec.mapper().createObjectNode().put("status", "AI_QUALITY_ALERT").put("examId", "e-1");
        assertThat(LiveChannels.of(EventType.SYSTEM_STATUS, alert)).containsExactly("system", "exam:e-1");
        var started = JsonCodec.mapper().createObjectNode().put("status", "STARTED").put("service", "grading-service");
        assertThat(LiveChannels.of(EventType.SYSTEM_STATUS, started)).containsExactly("system");
        assertThat(LiveChannels.of(EventType.GRADING_TASK, review)).isEmpty();
    }

    @Test
    void aSlowSpanGoesToTheSystemChannelOnly() {
        var slow = JsonCodec.mapper().createObjectNode().put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736")
                .put("spanId", "00f067aa0ba902b7").put("service", "grading-service").put("operation", "grade batch")
                .put("durationMs", 2400).put("thresholdMs", 1000).put("examId", "e-1");
        assertThat(LiveChannels.of(EventType.SLOW_SPAN, slow)).containsExactly("system");
    }

    @Test
    void aNotificationGoesToTheExamAndTheStudent() {
        var notice = JsonCodec.mapper().createObjectNode().put("kind", "SCORE_OVERRIDDEN").put("examId", "e-1")
                .put("jobId", "j-1").put("studentId", "s-42");
        assertThat(LiveChannels.of(EventType.USER_NOTIFICATION, notice)).containsExactly("exam:e-1", "user:s-42");
        assertThat(LiveChannels.of(EventType.SAGA_REPLY, notice)).isEmpty();
    }
}
