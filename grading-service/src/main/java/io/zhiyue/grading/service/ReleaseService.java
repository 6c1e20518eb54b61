package io.zhiyue.grading.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.grading.model.ExamRelease;
import io.zhiyue.grading.model.StudentResults;
import io.zhiyue.grading.repository.ReleaseRepository;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.UserNotification;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.outbox.AuditTrail;
import io.zhiyue.streams.outbox.Outbox;
import io.zhiyue.streams.outbox.OutboxEvents;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Released results (DESIGN.md "Public API"): a teacher releases an exam once; from then on its students see their
 * final scores, before it nothing. Each student of the exam is told on their {@code user:} channel, through the
 * outbox with the release, under a key per exam and student, so a repeated event is a duplicate.
 */
@ApplicationScoped
public class ReleaseService {

    /** The USER_NOTIFICATION kind of a release: {@code examId} and {@code studentId}, {@code at} the release. */
    public static final String RESULTS_RELEASED = "RESULTS_RELEASED";

    /** No traceparent of our own: the outbox stamps the trace current at the call. */
    private static final String CALLERS_TRACE = null;

    private final ReleaseRepository releases;
    private final Outbox outbox;
    private final AuditTrail audit;

    public ReleaseService(ReleaseRepository releases, Outbox outbox, AuditTrail audit) {
        this.releases = releases;
        this.outbox = outbox;
        this.audit = audit;
    }

    /**
     * Releases the exam; releasing it again answers the first release unchanged. 404 when the tenant has no such
     * exam. {@code releasedBy}: the gateway's subject, null for a direct call.
     */
    @WithSpan
    public Uni<ExamRelease> release(String tenant, UUID examId, String releasedBy) {
        return outbox.inTransaction((tx, events) -> releases.insert(tx, tenant, examId, releasedBy)
                .chain(fresh -> fresh == null ? existing(tx, tenant, examId)
                        : notifyStudents(tx, events, tenant, fresh)
                                .invoke(() -> audit.record(events, tenant, "exam.released", "exam", examId, releasedBy,
                                        null, fresh))
                                .replaceWith(fresh)));
    }

    /** The student's final scores in the tenant's released exams; nothing of an exam before its release. */
    @WithSpan
    public Uni<StudentResults> studentResults(String tenant, String studentId) {
        if (studentId.length() > SubmissionService.MAX_STUDENT_ID || studentId.indexOf('\u0000') >= 0) {
            throw ZhiyueException.validation("studentId", "is not a student id (at most "
                    + SubmissionService.MAX_STUDENT_ID + " characters, no NUL)");
        }
        return releases.studentResults(tenant, studentId).map(StudentResults::new);
    }

    /** A statement of its own, so it sees a release another transaction committed meanwhile. */
    private Uni<ExamRelease> existing(SqlConnection tx, String tenant, UUID examId) {
        return releases.find(tx, tenant, examId)
                .onItem().ifNull().failWith(() -> ZhiyueException.notFound("exam", examId));
    }

    private Uni<Void> notifyStudents(SqlConnection tx, OutboxEvents events, String tenant, ExamRelease release) {
        return releases.students(tx, tenant, release.examId()).invoke(students -> students.forEach(student ->
                events.add(Streams.EVENTS, Envelope.of(EventType.USER_NOTIFICATION, tenant,
                        "released:" + release.examId() + ":" + student,
                        new UserNotification(RESULTS_RELEASED, release.examId(), null, null, student, 0, null, null,
                                null, release.releasedAt().toInstant()),
                        CALLERS_TRACE))))
                .replaceWithVoid();
    }
}
