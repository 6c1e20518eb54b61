package io.zhiyue.shared.event;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The live-channel names an event of zhiyue:events belongs to. The publisher writes each event into
 * these channels' histories and the gateway routes it to their subscribers, so both read this one table.
 */
public final class LiveChannels {

    private LiveChannels() {
    }

    /**
     * Job events (scores changed by people included) go to {@code job:<jobId>} and {@code exam:<examId>};
     * review-queue changes to {@code exam:<examId>}; SYSTEM_STATUS to {@code system}, and to the exam's
     * channel when it is about one exam (a quality alert); SLOW_SPAN (platform data) to {@code system};
     * a USER_NOTIFICATION to the exam's channel and the student's ({@code user:<studentId>}).
     */
    public static List<String> of(EventType type, JsonNode payload) {
        List<String> channels = new ArrayList<>(2);
        switch (type) {
            case GRADING_PROGRESS, JOB_STATE_CHANGED, SCORE_CHANGED -> {
                idOf(payload, "jobId").ifPresent(jobId -> channels.add("job:" + jobId));
                idOf(payload, "examId").ifPresent(examId -> channels.add("exam:" + examId));
            }
            case REVIEW_ITEM_CHANGED -> idOf(payload, "examId").ifPresent(examId -> channels.add("exam:" + examId));
            case USER_NOTIFICATION -> {
                idOf(payload, "examId").ifPresent(examId -> channels.add("exam:" + examId));
                idOf(payload, "studentId").ifPresent(student -> channels.add("user:" + student));
            }
            case SYSTEM_STATUS -> {
                channels.add("system");
                idOf(payload, "examId").ifPresent(examId -> channels.add("exam:" + examId));
            }
            case SLOW_SPAN -> channels.add("system");
            default -> {
                // other entries are not for the live channel
            }
        }
        return channels;
    }

    private static Optional<String> idOf(JsonNode payload, String field) {
        JsonNode id = payload.path(field);
        return id.isTextual() && !id.asText().isBlank() ? Optional.of(id.asText()) : Optional.empty();
    }
}
