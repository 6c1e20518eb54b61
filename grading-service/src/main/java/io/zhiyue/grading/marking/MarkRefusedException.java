package io.zhiyue.grading.marking;

import io.zhiyue.shared.error.ZhiyueException;

/** A mark the item's state does not allow; its {@link MarkRefusal} carries the HTTP-facing code. */
public final class MarkRefusedException extends ZhiyueException {

    private final MarkRefusal refusal;

    public MarkRefusedException(MarkRefusal refusal, String detail) {
        super(refusal.code(), detail);
        this.refusal = refusal;
    }

    public MarkRefusal refusal() {
        return refusal;
    }
}
