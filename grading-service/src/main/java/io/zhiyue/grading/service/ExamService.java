package io.zhiyue.grading.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.grader.Rubric;
import io.zhiyue.grading.grader.RubricValidator;
import io.zhiyue.grading.model.Exam;
import io.zhiyue.grading.model.ExamCreate;
import io.zhiyue.grading.model.Marking;
import io.zhiyue.grading.model.Question;
import io.zhiyue.grading.model.QuestionCreate;
import io.zhiyue.grading.repository.ExamRepository;
import io.zhiyue.grading.repository.ListQuery;
import io.zhiyue.grading.repository.QuestionRepository;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.streams.outbox.AuditTrail;
import io.zhiyue.streams.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Exams, their questions and the questions' versioned rubrics. */
@ApplicationScoped
public class ExamService {

    static final BigDecimal DEFAULT_SCORE_STEP = new BigDecimal("0.5");
    private static final int MAX_TITLE = 200;
    private static final int MAX_PROMPT = 10_000;
    /** As long as an answer may be. */
    private static final int MAX_REFERENCE_ANSWER = 20_000;

    private final ExamRepository exams;
    private final QuestionRepository questions;
    private final Outbox outbox;
    private final AuditTrail audit;

    public ExamService(ExamRepository exams, QuestionRepository questions, Outbox outbox, AuditTrail audit) {
        this.exams = exams;
        this.questions = questions;
        this.outbox = outbox;
        this.audit = audit;
    }

    @WithSpan
    public Uni<Exam> create(String tenant, ExamCreate request) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null) {
            throw ZhiyueException.validation("body", "an exam needs a JSON body with a title");
        }
        if (request.title() == null || request.title().isBlank()) {
            errors.add(new FieldError("title", "is required"));
        } else if (request.title().length() > MAX_TITLE) {
            errors.add(new FieldError("title", "is longer than " + MAX_TITLE + " characters"));
        }
        if (request.subject() != null && request.subject().length() > MAX_TITLE) {
            errors.add(new FieldError("subject", "is longer than " + MAX_TITLE + " characters"));
        }
        rejectNul("title", request.title(), errors);
        rejectNul("subject", request.subject(), errors);
        failIfAny(errors);
        return exams.insert(tenant, request.title().trim(), request.subject() == null ? null : request.subject().trim());
    }

    public Uni<Exam> find(String tenant, UUID examId) {
        return exams.find(tenant, examId)
                .onItem().ifNull().failWith(() -> ZhiyueException.notFound("exam", examId));
    }

    public Uni<PageResponse<Exam>> list(String tenant, ListQuery query) {
        return exams.list(tenant, query);
    }

    /** A question with its rubric (version 1) and marking settings; {@code by}: the gateway's subject (audited). */
    @WithSpan
    public Uni<Question> addQuestion(String tenant, String by, UUID examId, QuestionCreate request) {
        if (request == null) {
            throw ZhiyueException.validation("body", "a question needs a JSON body");
        }
        List<FieldError> errors = new ArrayList<>();
        if (request.number() == null) {
            errors.add(new FieldError("number", "is required"));
        } else if (request.number() < 1 || request.number() > 1000) {
            errors.add(new FieldError("number", "must be between 1 and 1000"));
        }
        if (request.prompt() == null || request.prompt().isBlank()) {
            errors.add(new FieldError("prompt", "is required"));
        } else if (request.prompt().length() > MAX_PROMPT) {
            errors.add(new FieldError("prompt", "is longer than " + MAX_PROMPT + " characters"));
        }
        rejectNul("prompt", request.prompt(), errors);
        BigDecimal step = request.scoreStep() == null ? DEFAULT_SCORE_STEP : request.scoreStep();
        List<FieldError> scale = RubricValidator.validateScale(request.maxScore(), step);
        errors.addAll(scale);
        boolean plain = decimals(request.maxScore()) <= 2 && decimals(step) <= 2;
        if (!plain) {
            errors.add(new FieldError("maxScore", "maxScore and scoreStep take at most two decimals"));
        }
        // the marking settings are checked against the scale only when it is a plain one: arithmetic
        // on 1E-999999999 would build a number of that many digits
        boolean usable = scale.isEmpty() && plain;
        Marking marking = Marking.resolve(request.marking(), usable ? request.maxScore() : null,
                usable ? step : null, errors);
        // in ai mode rubric points are optional: without them every answer goes to people
        boolean noPoints = request.rubric() == null || request.rubric().points() == null
                || request.rubric().points().isEmpty();
        Rubric rubric = marking.isAi() && noPoints ? new Rubric(List.of()) : request.rubric();
        if (!(marking.isAi() && noPoints)) {
            errors.addAll(RubricValidator.validateRubric(rubric));
        }
        if (request.referenceAnswer() != null && request.referenceAnswer().length() > MAX_REFERENCE_ANSWER) {
            errors.add(new FieldError("referenceAnswer", "is longer than " + MAX_REFERENCE_ANSWER + " characters"));
        }
        rejectNul("referenceAnswer", request.referenceAnswer(), errors);
        failIfAny(errors);
        return find(tenant, examId)
                .chain(() -> outbox.inTransaction((tx, events) -> questions.insert(tx, tenant, examId, request.number(),
                                request.prompt(), request.maxScore(), step, rubric, request.referenceAnswer(), marking)
                        .invoke(question -> audit.record(events, tenant, "question.created", "question", question.id(),
                                by, null, settings(question)))))
                .onFailure(DuplicateKey::matches).transform(e -> new ZhiyueException(ErrorCode.DUPLICATE_RECORD,
                        "exam " + examId + " already has a question number " + request.number()));
    }

    public Uni<List<Question>> questions(String tenant, UUID examId) {
        return find(tenant, examId).chain(() -> questions.list(tenant, examId));
    }

    /** The tenant's question; 404 when there is none. */
    public Uni<Question> findQuestion(String tenant, UUID questionId) {
        return questions.find(tenant, questionId)
                .onItem().ifNull().failWith(() -> ZhiyueException.notFound("question", questionId));
    }

    /** A new rubric version; versions used by jobs stay as they were. {@code by}: the gateway's subject (audited). */
    @WithSpan
    public Uni<Question> replaceRubric(String tenant, String by, UUID questionId, Rubric rubric) {
        return findQuestion(tenant, questionId)
                .chain(question -> {
                    failIfAny(prefixed(RubricValidator.validate(question.maxScore(), question.scoreStep(), rubric)));
                    return outbox.inTransaction((tx, events) -> questions.replaceRubric(tx, tenant, questionId, rubric)
                            .onItem().ifNull().failWith(() -> ZhiyueException.notFound("question", questionId))
                            .invoke(change -> {
                                if (change.newRubricVersion()) {
                                    audit.record(events, tenant, "rubric.replaced", "question", questionId, by,
                                            settings(change.before()), settings(change.after()));
                                }
                            })
                            .map(QuestionRepository.Change::after));
                });
    }

    /** A teacher turns auto-accept of a question back on (or off), e.g. after the quality monitor stopped it. */
    @WithSpan
    public Uni<Question> setAutoAccept(String tenant, String by, UUID questionId, Boolean enabled) {
        if (enabled == null) {
            throw ZhiyueException.validation("enabled", "is required (true or false)");
        }
        return outbox.inTransaction((tx, events) -> questions.setAutoAccept(tx, tenant, questionId, enabled)
                .onItem().ifNull().failWith(() -> ZhiyueException.notFound("question", questionId))
                .invoke(change -> {
                    if (!java.util.Objects.equals(change.before().marking().autoAccept().enabled(), enabled)) {
                        audit.record(events, tenant, "marking.auto-accept.set", "question", questionId, by,
                                change.before().marking().autoAccept(), change.after().marking().autoAccept());
                    }
                })
                .map(QuestionRepository.Change::after));
    }

    /** What the audit log shows of a question: its scale, rubric and marking settings, not its texts. */
    private static Map<String, Object> settings(Question question) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("examId", question.examId());
        settings.put("number", question.number());
        settings.put("maxScore", question.maxScore());
        settings.put("scoreStep", question.scoreStep());
        settings.put("rubricVersion", question.rubricVersion());
        settings.put("rubric", question.rubric());
        settings.put("marking", question.marking());
        return settings;
    }

    /** The body of PUT …/rubric is the rubric itself, so its errors are named without "rubric.". */
    private static List<FieldError> prefixed(List<FieldError> errors) {
        return errors.stream()
                .map(e -> new FieldError(e.field().startsWith("rubric.") ? e.field().substring(7) : e.field(), e.message()))
                .toList();
    }

    /** PostgreSQL text cannot store the NUL character; refuse it here rather than fail on insert. */
    static void rejectNul(String field, String value, List<FieldError> errors) {
        if (value != null && value.indexOf('\u0000') >= 0) {
            errors.add(new FieldError(field, "must not contain the NUL character"));
        }
    }

    private static int decimals(BigDecimal value) {
        return value == null ? 0 : value.stripTrailingZeros().scale();
    }

    static void failIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                    : errors.size() + " fields are invalid";
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, detail, errors);
        }
    }
}
