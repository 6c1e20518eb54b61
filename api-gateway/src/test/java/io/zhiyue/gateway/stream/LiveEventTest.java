package io.zhiyue.gateway.stream;

import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.json.JsonCodec;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LiveEventTest {

    @Test
    void jobEventsAndChangedScoresGoToTheirJobsChannel() {
        var payload = JsonCodec.mapper().createObjectNode().put("jobId", "j-1").put("score", 3.5);
        assertThat(LiveEvent.channelOf(EventType.SCORE_CHANGED, payload)).contains("job:j-1");
        assertThat(LiveEvent.channelOf(EventType.GRADING_PROGRESS, payload)).contains("job:j-1");
        assertThat(LiveEvent.channelOf(EventType.SCORE_CHANGED, JsonCodec.mapper().createObjectNode()))
                .isEqualTo(Optional.empty());
    }
}
