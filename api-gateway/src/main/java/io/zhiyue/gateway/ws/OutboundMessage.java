package io.zhiyue.gateway.ws;

import io.zhiyue.gateway.stream.LiveEvent;
import io.zhiyue.shared.event.EventType;

/** One rendered server → client message and how expendable it is when a client falls behind. */
public record OutboundMessage(Kind kind, String channel, String text) {

    public enum Kind {
        /** An intermediate GRADING_PROGRESS: a newer progress of the same channel supersedes it. */
        PROGRESS,
        /** A GRADING_PROGRESS saying nothing is left to grade: never dropped. */
        FINAL_PROGRESS,
        /** JOB_STATE_CHANGED, SYSTEM_STATUS, replies: never dropped. */
        ESSENTIAL,
        /** Only useful on an idle connection. */
        HEARTBEAT
    }

    public static OutboundMessage of(LiveEvent event) {
        Kind kind = event.type() != EventType.GRADING_PROGRESS
                ? Kind.ESSENTIAL
                : event.isFinalProgress() ? Kind.FINAL_PROGRESS : Kind.PROGRESS;
        return new OutboundMessage(kind, event.channel(), event.json());
    }

    public static OutboundMessage essential(String channel, String text) {
        return new OutboundMessage(Kind.ESSENTIAL, channel, text);
    }

    public static OutboundMessage heartbeat(String text) {
        return new OutboundMessage(Kind.HEARTBEAT, null, text);
    }

    boolean isProgress() {
        return kind == Kind.PROGRESS || kind == Kind.FINAL_PROGRESS;
    }
}
