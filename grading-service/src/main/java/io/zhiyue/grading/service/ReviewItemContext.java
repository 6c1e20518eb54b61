package io.zhiyue.grading.service;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.embedding.ExemplarProposals;
import io.zhiyue.grading.llm.ExplanationTarget;
import io.zhiyue.grading.llm.Explanations;
import io.zhiyue.grading.repository.ExemplarRepository.MarkedAnswer;
import io.zhiyue.grading.repository.MarkerRepository;
import io.zhiyue.grading.repository.ReviewRepository;
import io.zhiyue.grading.repository.ReviewRepository.ItemVersion;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * What a marker sees beside a review item when it is not blind: the nearest marked exemplars (the teacher-marked
 * answers of the same question version most like the item's answer, with their scores, as the exemplar grader
 * weighed them; never a student) and the LLM's explanation of the proposal. A blind item (double marking, the
 * audit, a recheck) has neither: no exemplars, as under five teacher marks, and the same 404 for the explanation as
 * an answer the LLM never saw, so the answer tells nobody whether an item is an audit draw. A marker whose allocation does not give them the
 * question is refused (403), as a mark of theirs would be.
 */
@ApplicationScoped
public class ReviewItemContext {

    private final ReviewRepository reviews;
    private final MarkerRepository markers;
    private final ExemplarProposals proposals;
    private final Explanations explanations;

    public ReviewItemContext(ReviewRepository reviews, MarkerRepository markers, ExemplarProposals proposals,
            Explanations explanations) {
        this.reviews = reviews;
        this.markers = markers;
        this.proposals = proposals;
        this.explanations = explanations;
    }

    /** The nearest marked exemplars, most similar first; none for a blind item or under five teacher marks. */
    public Uni<List<MarkedAnswer>> exemplars(String tenant, UUID itemId, MarkerIdentity marker) {
        return item(tenant, itemId, marker).chain(item -> item.blind() ? Uni.createFrom().item(List.<MarkedAnswer>of())
                : proposals.nearest(tenant, item.rubricId(), item.answer()));
    }

    /**
     * What the LLM explains for the item: its own job's proposal. Every reason there is none (a blind item, no LLM,
     * no proposal, a later job's result) is one and the same 404 naming the item only, so the answer tells nothing
     * about the item or its submission. A refusal about the caller (a tenant not opted in, too many streams) stays.
     */
    public Uni<ExplanationTarget> explained(String tenant, UUID itemId, MarkerIdentity marker) {
        return item(tenant, itemId, marker).chain(item -> {
            if (item.blind()) {
                return Uni.createFrom().failure(noExplanation(itemId));
            }
            return explanations.find(tenant, item.submissionId())
                    .onFailure(ReviewItemContext::itemSpecific).transform(ignored -> noExplanation(itemId))
                    .map(explained -> {
                        if (!item.jobId().equals(explained.jobId())) {
                            throw noExplanation(itemId);
                        }
                        return new ExplanationTarget(item.submissionId(), explained);
                    });
        });
    }

    private static boolean itemSpecific(Throwable failure) {
        return failure instanceof ZhiyueException refusal
                && (refusal.code() == ErrorCode.RECORD_NOT_FOUND || refusal.code() == ErrorCode.ILLEGAL_STATE);
    }

    private static ZhiyueException noExplanation(UUID itemId) {
        return new ZhiyueException(ErrorCode.RECORD_NOT_FOUND, "review item " + itemId + " has no explanation");
    }

    private Uni<ItemVersion> item(String tenant, UUID itemId, MarkerIdentity marker) {
        return reviews.version(tenant, itemId)
                .onItem().ifNull().failWith(() -> ZhiyueException.notFound("review item", itemId))
                .call(item -> allowed(tenant, item, marker));
    }

    private Uni<Void> allowed(String tenant, ItemVersion item, MarkerIdentity marker) {
        if (!marker.allocatedOnly()) {
            return Uni.createFrom().voidItem();
        }
        return markers.questionsOf(tenant, item.examId(), marker.subject()).map(questions -> {
            Integer[] mine = marker.queueQuestions(questions.numbers());
            if (mine != null && !Arrays.asList(mine).contains(item.questionNumber())) {
                throw new ZhiyueException(ErrorCode.AUTHORIZATION_ERROR, "marker " + marker.subject()
                        + " is not assigned question " + item.questionNumber() + " of this exam");
            }
            return null;
        });
    }
}
