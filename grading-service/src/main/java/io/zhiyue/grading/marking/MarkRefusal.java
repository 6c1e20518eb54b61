package io.zhiyue.grading.marking;

import io.zhiyue.shared.error.ErrorCode;

/** Why a review item does not take a mark, with the error code a REST layer answers. */
public enum MarkRefusal {
    /** The item has its final score; it takes no further marks. */
    ITEM_RESOLVED(ErrorCode.ILLEGAL_STATE),
    /** A marker marks an item once, so the marks stay independent. */
    ALREADY_MARKED(ErrorCode.DUPLICATE_RECORD),
    /** The AI's proposal counts only as the first mark; later marks are people's. */
    AI_NOT_FIRST(ErrorCode.ILLEGAL_STATE),
    /** In ARBITRATION only a marker with the chief flag may mark. */
    CHIEF_REQUIRED(ErrorCode.AUTHORIZATION_ERROR);

    private final ErrorCode code;

    MarkRefusal(ErrorCode code) {
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
