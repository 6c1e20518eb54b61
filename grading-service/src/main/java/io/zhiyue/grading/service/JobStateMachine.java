package io.zhiyue.grading.service;

import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.job.JobState;

/** Guards transitions: an illegal one is a 409 naming the job's current state. */
public final class JobStateMachine {

    private JobStateMachine() {
    }

    public static void require(GradingJob job, JobState target) {
        if (!job.state().canMoveTo(target)) {
            throw illegal(job, target);
        }
    }

    public static ZhiyueException illegal(GradingJob job, JobState target) {
        return new ZhiyueException(ErrorCode.ILLEGAL_STATE, "job " + job.id() + " is " + job.state()
                + "; it cannot move to " + target + " (allowed from " + job.state() + ": " + job.state().next() + ")");
    }
}
