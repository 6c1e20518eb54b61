package io.zhiyue.shared.event;

/** Every kind of entry that travels on a ZhiYue stream. */
public enum EventType {
    GRADING_TASK,
    GRADING_PROGRESS,
    JOB_STATE_CHANGED,
    SCORE_CHANGED,
    REVIEW_ITEM_CHANGED,
    SYSTEM_STATUS,
    USER_NOTIFICATION,
    SLOW_SPAN,
    /** A saga step for a participant ({@code zhiyue:saga:commands:<participant>}). */
    SAGA_COMMAND,
    /** A participant's answer to a saga step ({@code zhiyue:saga:replies}). */
    SAGA_REPLY,
    /** A saga whose first step its initiator applied in its own transaction ({@code zhiyue:saga:starts}). */
    SAGA_START,
    /** A change an admin may need to account for ({@code zhiyue:audit}; README "Data lifecycle"). */
    AUDIT_RECORDED,
    /** Data to delete or a student to erase, in every service ({@code zhiyue:lifecycle}; README "Data lifecycle"). */
    DATA_DELETION_REQUESTED,
    /** One service's answer that it removed what it held of a deletion request ({@code zhiyue:lifecycle}). */
    DATA_DELETION_CONFIRMED
}
